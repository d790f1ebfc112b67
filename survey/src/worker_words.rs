//! The words of the worker's own screens (buttons, messages, Today, Hand in, Settings) in
//! every language the app offers them in: `questionnaires/worker-words.json`, kept as data
//! beside the questionnaire, with the same languages and the same draft / reviewed status.
//!
//! The resident's words are the questionnaire's; these are the worker's, chosen in the
//! app's settings apart from the language of each interview.
//!
//! [`load`] reads the file and checks it as strictly as [`crate::validate`] checks a
//! questionnaire, reporting every problem at once, each naming the message and language:
//! a message must have every language, a message with a count every plural form of each
//! language (CLDR's categories), and the same placeholders (`{n}`, `{when}`…) in every
//! language and form. The app turns the checked catalog into Rust when it is built, so a
//! catalog with a problem does not build.
//!
//! The app keeps the first language's words inside itself and each other language's in
//! a file of its own, `words/<code>.txt`, fetched (from the tablet's cache) only when the
//! worker chooses that language: every worker downloads the words of one language, not
//! of all. [`Catalog::lines`] is that file's layout; `scripts/worker-words.mjs` writes it
//! into the build, and the app checks a file's [`fingerprint`] before using it.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::questionnaire::{LanguageCode, TranslationStatus};

/// The catalog the app ships, as written in its file.
pub const WORKER_WORDS_JSON: &str = include_str!("../questionnaires/worker-words.json");

/// File name of [`WORKER_WORDS_JSON`] in `survey/questionnaires/`.
pub const WORKER_WORDS_FILE: &str = "worker-words.json";

/// The name of the count that chooses a plural form (`{n}`).
pub const COUNT: &str = "n";

/// A plural category of CLDR's (<https://cldr.unicode.org>), as the file names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PluralCategory {
    /// `one`: in English 1, in Bengali 0 and 1.
    One,
    /// `other`: every count the other categories do not take.
    Other,
}

impl PluralCategory {
    /// Its name in the file (`"one"`).
    pub fn name(self) -> &'static str {
        match self {
            PluralCategory::One => "one",
            PluralCategory::Other => "other",
        }
    }
}

/// How a language picks a plural form for a whole number: CLDR's cardinal rules, for
/// the languages Doorstep has. Only whole numbers are counted on the worker's screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PluralRule {
    /// `one` for 1 only, `other` for the rest (English `i = 1 and v = 0`, Turkish
    /// `n = 1`).
    OneForOne,
    /// `one` for 0 and 1, `other` for the rest (Bengali, Hindi: `i = 0 or n = 1`).
    OneForZeroAndOne,
}

impl PluralRule {
    /// The CLDR rules for `one` that Doorstep knows, as CLDR writes them.
    pub const KNOWN: [(&'static str, PluralRule); 3] = [
        ("i = 1 and v = 0", PluralRule::OneForOne),
        ("n = 1", PluralRule::OneForOne),
        ("i = 0 or n = 1", PluralRule::OneForZeroAndOne),
    ];

    /// The rule CLDR writes as `one: <rule>`, if Doorstep knows it.
    pub fn for_one(rule: &str) -> Option<PluralRule> {
        let rule = rule.split_whitespace().collect::<Vec<_>>().join(" ");
        Self::KNOWN
            .iter()
            .find(|(text, _)| *text == rule)
            .map(|(_, known)| *known)
    }

    /// The categories a message with a count has in a language with this rule, in the
    /// order the app keeps its forms.
    pub fn categories(self) -> &'static [PluralCategory] {
        &[PluralCategory::One, PluralCategory::Other]
    }

    /// The category of `n`.
    pub fn category(self, n: u64) -> PluralCategory {
        match (self, n) {
            (PluralRule::OneForOne, 1) | (PluralRule::OneForZeroAndOne, 0 | 1) => {
                PluralCategory::One
            }
            _ => PluralCategory::Other,
        }
    }
}

/// A language of the worker's screens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogLanguage {
    /// Its tag (`"tr"`), also the `lang` of the screens shown in it.
    pub code: LanguageCode,
    /// Its name in itself (`"Türkçe"`), as a worker would look for it.
    pub name: String,
    /// Whether a qualified translator has checked its texts.
    pub status: TranslationStatus,
    /// How it picks a plural form.
    pub plural: PluralRule,
    /// Its digits, 0 to 9 (`০১২৩৪৫৬৭৮৯` in Bengali).
    pub digits: [char; 10],
    /// What separates whole and tenths (`4.6 MB`, `4,6 MB`).
    pub decimal: char,
}

/// The texts of one message, in the catalog's language order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Texts {
    /// One text per language.
    Plain(Vec<String>),
    /// Per language, one text per plural category of that language (in
    /// [`PluralRule::categories`] order), chosen by the count `{n}`.
    Plural(Vec<Vec<String>>),
}

/// One message of the worker's screens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Its key (`"settings.language.title"`): dotted lowercase words.
    pub key: String,
    /// Its placeholders, in the order the first language's text names them first.
    pub placeholders: Vec<String>,
    /// Its texts.
    pub texts: Texts,
}

/// The checked catalog: its languages (the first is the source the others are
/// translated from) and its messages, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    /// The languages.
    pub languages: Vec<CatalogLanguage>,
    /// The messages.
    pub messages: Vec<Message>,
}

/// What is wrong with a catalog, naming the message and language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogProblem {
    /// `languages` is empty.
    NoLanguages,
    /// A language is listed twice.
    RepeatedLanguage { language: String },
    /// A language's name is blank.
    UnnamedLanguage { language: String },
    /// A language's plural rule is not one of [`PluralRule::KNOWN`].
    UnknownPluralRule { language: String, rule: String },
    /// A language's `digits` are not ten characters.
    BadDigits { language: String },
    /// A language's `decimal` is not one character.
    BadDecimal { language: String },
    /// A key is not dotted lowercase words (`today.log.title`).
    BadKey { key: String },
    /// A key is written twice.
    RepeatedKey { key: String },
    /// A message lacks a language.
    MissingLanguage { key: String, language: String },
    /// A message has a language the catalog does not list.
    UnlistedLanguage { key: String, language: String },
    /// A message names a language twice.
    RepeatedText { key: String, language: String },
    /// A text is empty or only blanks.
    Blank { key: String, language: String },
    /// A language's text is plain where the first language's has plural forms, or the
    /// other way round.
    MixedForms { key: String, language: String },
    /// A plural form the language has is missing.
    MissingForm {
        key: String,
        language: String,
        form: &'static str,
    },
    /// A plural form the language does not have (`few` in English).
    UnknownForm {
        key: String,
        language: String,
        form: String,
    },
    /// A message with plural forms does not show its count `{n}`.
    NoCount { key: String, language: String },
    /// A text holds a line break (a text is one line of a words file).
    LineBreak { key: String, language: String },
    /// A `{` or `}` that does not make a placeholder, or a placeholder name that is not
    /// lowercase letters, digits and `_`.
    BadPlaceholder {
        key: String,
        language: String,
        text: String,
    },
    /// A text's placeholders differ from the first language's.
    PlaceholdersDiffer {
        key: String,
        language: String,
        expected: Vec<String>,
        found: Vec<String>,
    },
}

impl fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogProblem::NoLanguages => f.write_str("\"languages\" lists no language"),
            CatalogProblem::RepeatedLanguage { language } => {
                write!(f, "language {language:?} is listed twice")
            }
            CatalogProblem::UnnamedLanguage { language } => {
                write!(f, "language {language:?} has no name")
            }
            CatalogProblem::UnknownPluralRule { language, rule } => {
                let known: Vec<&str> = PluralRule::KNOWN.iter().map(|(text, _)| *text).collect();
                write!(
                    f,
                    "language {language:?}: the plural rule {rule:?} is not one Doorstep \
                     knows (it knows \"one\": {})",
                    known.join(", ")
                )
            }
            CatalogProblem::BadDigits { language } => write!(
                f,
                "language {language:?}: \"digits\" must be ten characters, 0 to 9"
            ),
            CatalogProblem::BadDecimal { language } => write!(
                f,
                "language {language:?}: \"decimal\" must be one character"
            ),
            CatalogProblem::BadKey { key } => write!(
                f,
                "message {key:?}: a key is lowercase words joined by dots, like \"today.log.title\""
            ),
            CatalogProblem::RepeatedKey { key } => write!(f, "message {key:?} is written twice"),
            CatalogProblem::MissingLanguage { key, language } => {
                write!(f, "message {key:?} has no {language:?} text")
            }
            CatalogProblem::UnlistedLanguage { key, language } => write!(
                f,
                "message {key:?} has a {language:?} text, but {language:?} is not in \"languages\""
            ),
            CatalogProblem::RepeatedText { key, language } => {
                write!(f, "message {key:?} has two {language:?} texts")
            }
            CatalogProblem::Blank { key, language } => {
                write!(f, "message {key:?}: the {language:?} text is blank")
            }
            CatalogProblem::MixedForms { key, language } => write!(
                f,
                "message {key:?}: the {language:?} text must have plural forms exactly when \
                 the first language's does"
            ),
            CatalogProblem::MissingForm {
                key,
                language,
                form,
            } => write!(
                f,
                "message {key:?}: the {language:?} text has no {form:?} form"
            ),
            CatalogProblem::UnknownForm {
                key,
                language,
                form,
            } => write!(
                f,
                "message {key:?}: {language:?} has no plural form {form:?} (CLDR's categories \
                 for it are the only forms)"
            ),
            CatalogProblem::LineBreak { key, language } => write!(
                f,
                "message {key:?}: the {language:?} text has a line break; a text is one line"
            ),
            CatalogProblem::NoCount { key, language } => write!(
                f,
                "message {key:?}: every plural form must show the count {{n}}; the \
                 {language:?} text does not"
            ),
            CatalogProblem::BadPlaceholder {
                key,
                language,
                text,
            } => write!(
                f,
                "message {key:?}: the {language:?} text {text:?} has a brace that is not a \
                 placeholder like {{n}} or {{when}}"
            ),
            CatalogProblem::PlaceholdersDiffer {
                key,
                language,
                expected,
                found,
            } => write!(
                f,
                "message {key:?}: the {language:?} text has the placeholders {{{}}} where \
                 the first language has {{{}}}",
                found.join("}, {"),
                expected.join("}, {")
            ),
        }
    }
}

/// Why a catalog cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogError {
    /// The file is not JSON of the catalog's shape.
    Json(String),
    /// The file reads, but these are wrong.
    Problems(Vec<CatalogProblem>),
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogError::Json(error) => write!(f, "{WORKER_WORDS_FILE} is not valid: {error}"),
            CatalogError::Problems(problems) => {
                write!(f, "{WORKER_WORDS_FILE} has {} problem(s):", problems.len())?;
                for problem in problems {
                    write!(f, "\n- {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// The texts of language `index` (in [`Catalog::languages`]), one a line, as the app
    /// keeps them: first every message without plural forms, in file order; then every
    /// message with plural forms, in file order, each with its forms in
    /// [`PluralRule::categories`] order. Placeholders stay as written (`{when}`).
    pub fn lines(&self, index: usize) -> Vec<&str> {
        let mut lines = Vec::new();
        for message in &self.messages {
            if let Texts::Plain(texts) = &message.texts {
                lines.extend(texts.get(index).map(String::as_str));
            }
        }
        for message in &self.messages {
            if let Texts::Plural(forms) = &message.texts {
                lines.extend(forms.get(index).into_iter().flatten().map(String::as_str));
            }
        }
        lines
    }

    /// Language `index`'s words file: [`Catalog::lines`] joined by line breaks.
    pub fn words_file(&self, index: usize) -> String {
        self.lines(index).join("\n")
    }
}

/// A words file's fingerprint (32-bit FNV-1a of its bytes): the app refuses a file whose
/// fingerprint is not the one its own build expects.
pub fn fingerprint(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// Reads and checks a catalog.
pub fn load(json: &str) -> Result<Catalog, CatalogError> {
    let file: File = serde_json::from_str(json).map_err(|e| CatalogError::Json(e.to_string()))?;
    let mut problems = Vec::new();
    let languages = check_languages(&file.languages, &mut problems);
    let mut messages = Vec::new();
    let mut seen = BTreeSet::new();
    for (key, texts) in &file.messages.0 {
        if !seen.insert(key.as_str()) {
            problems.push(CatalogProblem::RepeatedKey { key: key.clone() });
            continue;
        }
        if !is_key(key) {
            problems.push(CatalogProblem::BadKey { key: key.clone() });
        }
        if let Some(message) = check_message(key, texts, &languages, &mut problems) {
            messages.push(message);
        }
    }
    if problems.is_empty() {
        Ok(Catalog {
            languages,
            messages,
        })
    } else {
        Err(CatalogError::Problems(problems))
    }
}

/// The catalog shipped with this build, checked.
pub fn shipped() -> Result<Catalog, CatalogError> {
    load(WORKER_WORDS_JSON)
}

/// The placeholders of `text` in order (`"{n} of {total}"` → `n`, `total`), or `None`
/// when a brace does not make one.
pub fn placeholders(text: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return None;
        }
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        let mut chars = name.chars();
        let well_formed = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return None;
        }
        names.push(name.to_owned());
        rest = &after[close + 1..];
    }
    Some(names)
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// What the file is, for whoever opens it.
    #[serde(default)]
    #[allow(dead_code)]
    about: Option<String>,
    languages: Vec<LanguageEntry>,
    messages: Ordered<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageEntry {
    code: LanguageCode,
    name: String,
    status: TranslationStatus,
    /// CLDR's rule for `one`; every other count is `other`.
    plural_one: String,
    #[serde(default)]
    digits: Option<String>,
    #[serde(default)]
    decimal: Option<String>,
}

/// A message's entry: a text per language (and an optional note for translators).
#[derive(Deserialize)]
struct Entry(Ordered<Text>);

/// One language's text: plain, or plural forms by category name.
#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Plural(Ordered<String>),
}

/// A JSON object with its keys in file order, repeated keys kept (so they can be
/// reported rather than silently overwritten).
struct Ordered<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<V>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, V>()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor(std::marker::PhantomData))
    }
}

/// The key that holds a note for translators in a message's entry, not a language.
const NOTE: &str = "note";

fn check_languages(
    entries: &[LanguageEntry],
    problems: &mut Vec<CatalogProblem>,
) -> Vec<CatalogLanguage> {
    if entries.is_empty() {
        problems.push(CatalogProblem::NoLanguages);
    }
    let mut languages: Vec<CatalogLanguage> = Vec::new();
    for entry in entries {
        let language = entry.code.0.clone();
        if languages.iter().any(|l| l.code == entry.code) {
            problems.push(CatalogProblem::RepeatedLanguage { language });
            continue;
        }
        if entry.name.trim().is_empty() {
            problems.push(CatalogProblem::UnnamedLanguage {
                language: language.clone(),
            });
        }
        let plural = PluralRule::for_one(&entry.plural_one).unwrap_or_else(|| {
            problems.push(CatalogProblem::UnknownPluralRule {
                language: language.clone(),
                rule: entry.plural_one.clone(),
            });
            PluralRule::OneForOne
        });
        let mut digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
        if let Some(given) = &entry.digits {
            let chars: Vec<char> = given.chars().collect();
            match <[char; 10]>::try_from(chars) {
                Ok(given) => digits = given,
                Err(_) => problems.push(CatalogProblem::BadDigits {
                    language: language.clone(),
                }),
            }
        }
        let mut decimal = '.';
        if let Some(given) = &entry.decimal {
            let mut chars = given.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => decimal = c,
                _ => problems.push(CatalogProblem::BadDecimal {
                    language: language.clone(),
                }),
            }
        }
        languages.push(CatalogLanguage {
            code: entry.code.clone(),
            name: entry.name.clone(),
            status: entry.status,
            plural,
            digits,
            decimal,
        });
    }
    languages
}

/// `names` without repeats, in order.
fn unique(names: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for name in names {
        if !kept.contains(&name) {
            kept.push(name);
        }
    }
    kept
}

/// Dotted lowercase words: `today.log.title`, `count.entries`, `setup.hint.worker_code`.
fn is_key(key: &str) -> bool {
    key.split('.').all(|word| {
        let mut chars = word.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    })
}

fn check_message(
    key: &str,
    entry: &Entry,
    languages: &[CatalogLanguage],
    problems: &mut Vec<CatalogProblem>,
) -> Option<Message> {
    let before = problems.len();
    let problem = |problems: &mut Vec<CatalogProblem>,
                   make: fn(String, String) -> CatalogProblem,
                   language: &str| {
        problems.push(make(key.to_owned(), language.to_owned()));
    };
    // Each listed language's text, in the catalog's order.
    let mut texts: Vec<Option<&Text>> = vec![None; languages.len()];
    for (language, text) in &entry.0 .0 {
        if language == NOTE && matches!(text, Text::Plain(_)) {
            continue;
        }
        match languages.iter().position(|l| l.code.0 == *language) {
            Some(index) if texts[index].is_some() => problem(
                problems,
                |key, language| CatalogProblem::RepeatedText { key, language },
                language,
            ),
            Some(index) => texts[index] = Some(text),
            None => problem(
                problems,
                |key, language| CatalogProblem::UnlistedLanguage { key, language },
                language,
            ),
        }
    }
    let plural = matches!(texts.first(), Some(Some(Text::Plural(_))));
    // Every text must name the placeholders of the first language's text (for plural
    // forms, of its `other` form, which every language has).
    let expected: Vec<String> = match texts.first() {
        Some(Some(Text::Plain(text))) => unique(placeholders(text).unwrap_or_default()),
        Some(Some(Text::Plural(by_form))) => by_form
            .0
            .iter()
            .find(|(form, _)| form == PluralCategory::Other.name())
            .and_then(|(_, text)| placeholders(text))
            .map(unique)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut plain = Vec::new();
    let mut forms = Vec::new();
    for (language, text) in languages.iter().zip(&texts) {
        let code = language.code.0.as_str();
        let Some(text) = text else {
            problem(
                problems,
                |key, language| CatalogProblem::MissingLanguage { key, language },
                code,
            );
            continue;
        };
        let written: Vec<&str> = match (text, plural) {
            (Text::Plain(text), false) => vec![text.as_str()],
            (Text::Plural(by_form), true) => {
                for (form, _) in &by_form.0 {
                    let known = language
                        .plural
                        .categories()
                        .iter()
                        .any(|c| c.name() == form);
                    if !known {
                        problems.push(CatalogProblem::UnknownForm {
                            key: key.to_owned(),
                            language: code.to_owned(),
                            form: form.clone(),
                        });
                    }
                }
                let mut in_order = Vec::new();
                for category in language.plural.categories() {
                    match by_form.0.iter().find(|(form, _)| form == category.name()) {
                        Some((_, text)) => in_order.push(text.as_str()),
                        None => problems.push(CatalogProblem::MissingForm {
                            key: key.to_owned(),
                            language: code.to_owned(),
                            form: category.name(),
                        }),
                    }
                }
                in_order
            }
            _ => {
                problem(
                    problems,
                    |key, language| CatalogProblem::MixedForms { key, language },
                    code,
                );
                continue;
            }
        };
        for text in &written {
            if text.trim().is_empty() {
                problem(
                    problems,
                    |key, language| CatalogProblem::Blank { key, language },
                    code,
                );
                continue;
            }
            if text.contains(['\n', '\r']) {
                problem(
                    problems,
                    |key, language| CatalogProblem::LineBreak { key, language },
                    code,
                );
            }
            let Some(mut found) = placeholders(text).map(unique) else {
                problems.push(CatalogProblem::BadPlaceholder {
                    key: key.to_owned(),
                    language: code.to_owned(),
                    text: (*text).to_owned(),
                });
                continue;
            };
            if plural && !found.iter().any(|name| name == COUNT) {
                problem(
                    problems,
                    |key, language| CatalogProblem::NoCount { key, language },
                    code,
                );
                // Said once: the count is the only thing missing if the rest agree.
                found.push(COUNT.to_owned());
            }
            let as_set = |names: &[String]| names.iter().cloned().collect::<BTreeSet<_>>();
            if as_set(&expected) != as_set(&found) {
                problems.push(CatalogProblem::PlaceholdersDiffer {
                    key: key.to_owned(),
                    language: code.to_owned(),
                    expected: expected.clone(),
                    found,
                });
            }
        }
        let owned: Vec<String> = written.iter().map(|text| (*text).to_owned()).collect();
        if plural {
            forms.push(owned);
        } else {
            plain.extend(owned);
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(Message {
        key: key.to_owned(),
        placeholders: expected,
        texts: if plural {
            Texts::Plural(forms)
        } else {
            Texts::Plain(plain)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGUAGES: &str = r#"[
        {"code": "en", "name": "English", "status": "reviewed", "plural_one": "i = 1 and v = 0"},
        {"code": "tr", "name": "Türkçe", "status": "draft", "plural_one": "n = 1", "decimal": ","},
        {"code": "bn", "name": "বাংলা", "status": "draft", "plural_one": "i = 0 or n = 1", "digits": "০১২৩৪৫৬৭৮৯"}
    ]"#;

    fn catalog(messages: &str) -> Result<Catalog, CatalogError> {
        load(&format!(
            r#"{{"languages": {LANGUAGES}, "messages": {messages}}}"#
        ))
    }

    fn problems(messages: &str) -> Vec<String> {
        match catalog(messages) {
            Ok(_) => Vec::new(),
            Err(CatalogError::Problems(problems)) => {
                problems.iter().map(ToString::to_string).collect()
            }
            Err(error) => vec![error.to_string()],
        }
    }

    #[test]
    fn the_shipped_catalog_has_every_language_form_and_placeholder() {
        let catalog = shipped().unwrap_or_else(|error| panic!("{error}"));
        let codes: Vec<&str> = catalog
            .languages
            .iter()
            .map(|l| l.code.0.as_str())
            .collect();
        assert_eq!(codes, ["en", "tr", "bn"]);
        assert_eq!(catalog.languages[0].status, TranslationStatus::Reviewed);
        assert!(catalog.messages.len() > 50, "{}", catalog.messages.len());
    }

    #[test]
    fn the_shipped_catalog_names_languages_as_the_questionnaire_does() {
        let catalog = shipped().unwrap();
        let questionnaire = crate::shipped::shared_questionnaire().unwrap();
        for language in &catalog.languages {
            let same = questionnaire
                .languages
                .iter()
                .find(|l| l.code == language.code);
            assert_eq!(
                same.map(|l| l.name.as_str()),
                Some(language.name.as_str()),
                "{}",
                language.code
            );
        }
    }

    #[test]
    fn a_good_catalog_loads_with_forms_in_category_order() {
        let loaded = catalog(
            r#"{
                "nav.today": {"en": "Today", "tr": "Bugün", "bn": "আজ", "note": "short"},
                "count.doors": {
                    "en": {"other": "{n} doors", "one": "{n} door"},
                    "tr": {"one": "{n} kapı", "other": "{n} kapı"},
                    "bn": {"one": "{n}টি দরজা", "other": "{n}টি দরজা"}
                }
            }"#,
        )
        .unwrap();
        assert_eq!(loaded.messages[0].key, "nav.today");
        assert_eq!(
            loaded.messages[0].texts,
            Texts::Plain(vec!["Today".into(), "Bugün".into(), "আজ".into()])
        );
        let Texts::Plural(forms) = &loaded.messages[1].texts else {
            panic!("{:?}", loaded.messages[1]);
        };
        assert_eq!(forms[0], ["{n} door", "{n} doors"]);
        assert_eq!(loaded.messages[1].placeholders, ["n"]);
        assert_eq!(loaded.languages[1].decimal, ',');
        assert_eq!(loaded.languages[2].digits[3], '৩');
        assert_eq!(loaded.languages[2].plural, PluralRule::OneForZeroAndOne);
    }

    #[test]
    fn a_missing_language_is_named_with_its_message() {
        assert_eq!(
            problems(r#"{"nav.today": {"en": "Today", "tr": "Bugün"}}"#),
            [r#"message "nav.today" has no "bn" text"#]
        );
    }

    #[test]
    fn blank_unlisted_and_repeated_are_named() {
        assert_eq!(
            problems(
                r#"{"a.b": {"en": "A", "tr": " ", "bn": "ক", "fr": "A"},
                    "a.b": {"en": "A", "tr": "A", "bn": "ক"},
                    "Bad-Key": {"en": "A", "tr": "A", "bn": "ক"}}"#
            ),
            [
                r#"message "a.b" has a "fr" text, but "fr" is not in "languages""#,
                r#"message "a.b": the "tr" text is blank"#,
                r#"message "a.b" is written twice"#,
                r#"message "Bad-Key": a key is lowercase words joined by dots, like "today.log.title""#,
            ]
        );
    }

    #[test]
    fn every_plural_form_of_each_language_is_needed_and_no_other() {
        assert_eq!(
            problems(
                r#"{"count.doors": {
                    "en": {"one": "{n} door", "other": "{n} doors"},
                    "tr": {"other": "{n} kapı"},
                    "bn": {"one": "{n}টি দরজা", "few": "{n}টি দরজা", "other": "{n}টি দরজা"}
                }}"#
            ),
            [
                r#"message "count.doors": the "tr" text has no "one" form"#,
                r#"message "count.doors": "bn" has no plural form "few" (CLDR's categories for it are the only forms)"#,
            ]
        );
    }

    #[test]
    fn a_words_file_holds_plain_texts_first_then_plural_forms_one_a_line() {
        let loaded = catalog(
            r#"{
                "count.doors": {
                    "en": {"one": "{n} door", "other": "{n} doors"},
                    "tr": {"other": "{n} kapı", "one": "{n} kapı"},
                    "bn": {"one": "{n}টি দরজা", "other": "{n}টি দরজা"}
                },
                "nav.today": {"en": "Today", "tr": "Bugün", "bn": "আজ"},
                "today.saved": {"en": "Saved: {outcome}.", "tr": "Kaydedildi: {outcome}.", "bn": "সংরক্ষিত: {outcome}।"}
            }"#,
        )
        .unwrap();
        assert_eq!(
            loaded.words_file(1),
            "Bugün\nKaydedildi: {outcome}.\n{n} kapı\n{n} kapı"
        );
        assert_eq!(
            loaded.lines(0),
            ["Today", "Saved: {outcome}.", "{n} door", "{n} doors"]
        );
        assert_eq!(fingerprint(""), 0x811c_9dc5);
        assert_eq!(fingerprint("a"), 0xe40c_292c);
        assert_ne!(
            fingerprint(&loaded.words_file(1)),
            fingerprint(&loaded.words_file(2))
        );
        assert_eq!(
            problems(r#"{"a.b": {"en": "A\nB", "tr": "A", "bn": "ক"}}"#),
            [r#"message "a.b": the "en" text has a line break; a text is one line"#]
        );
    }

    #[test]
    fn plain_and_plural_texts_cannot_be_mixed() {
        assert_eq!(
            problems(
                r#"{"count.doors": {
                    "en": {"one": "{n} door", "other": "{n} doors"},
                    "tr": "{n} kapı",
                    "bn": {"one": "{n}টি দরজা", "other": "{n}টি দরজা"}
                }}"#
            ),
            [
                r#"message "count.doors": the "tr" text must have plural forms exactly when the first language's does"#
            ]
        );
    }

    #[test]
    fn placeholders_must_match_the_first_language_in_every_text() {
        assert_eq!(
            problems(
                r#"{"today.saved": {"en": "Saved: {outcome}.", "tr": "Kaydedildi: {sonuc}.", "bn": "সংরক্ষিত: {outcome}।"},
                    "count.doors": {
                        "en": {"one": "one door", "other": "{n} doors"},
                        "tr": {"one": "{n} kapı", "other": "{n} kapı"},
                        "bn": {"one": "{n}টি দরজা", "other": "{n}টি {n2}"}
                    }}"#
            ),
            [
                r#"message "today.saved": the "tr" text has the placeholders {sonuc} where the first language has {outcome}"#,
                r#"message "count.doors": every plural form must show the count {n}; the "en" text does not"#,
                r#"message "count.doors": the "bn" text has the placeholders {n}, {n2} where the first language has {n}"#,
            ]
        );
    }

    #[test]
    fn a_brace_that_is_no_placeholder_is_refused() {
        assert_eq!(
            placeholders("{n} of {total}"),
            Some(vec!["n".into(), "total".into()])
        );
        for bad in ["{n", "n}", "{}", "{N}", "{ n }", "{{n}}"] {
            assert_eq!(placeholders(bad), None, "{bad}");
        }
        assert_eq!(
            problems(r#"{"a.b": {"en": "{Count} left", "tr": "{Count}", "bn": "{Count}"}}"#).len(),
            3
        );
    }

    #[test]
    fn a_language_needs_a_known_plural_rule_and_ten_digits() {
        let error = load(
            r#"{"languages": [
                {"code": "en", "name": "English", "status": "reviewed", "plural_one": "n = 1"},
                {"code": "ar", "name": "العربية", "status": "draft", "plural_one": "n % 100 = 3..10", "digits": "٠١٢"},
                {"code": "en", "name": "English", "status": "draft", "plural_one": "n = 1"}
            ], "messages": {}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains(
                r#"language "ar": the plural rule "n % 100 = 3..10" is not one Doorstep knows"#
            ),
            "{error}"
        );
        assert!(
            error.contains(r#"language "ar": "digits" must be ten characters"#),
            "{error}"
        );
        assert!(
            error.contains(r#"language "en" is listed twice"#),
            "{error}"
        );
    }

    #[test]
    fn plural_rules_follow_cldr_for_whole_numbers() {
        let english = PluralRule::for_one("i = 1 and v = 0").unwrap();
        let turkish = PluralRule::for_one("n = 1").unwrap();
        let bengali = PluralRule::for_one("i = 0  or n = 1").unwrap();
        for (rule, n, category) in [
            (english, 0, PluralCategory::Other),
            (english, 1, PluralCategory::One),
            (english, 2, PluralCategory::Other),
            (turkish, 1, PluralCategory::One),
            (turkish, 0, PluralCategory::Other),
            (turkish, 21, PluralCategory::Other),
            (bengali, 0, PluralCategory::One),
            (bengali, 1, PluralCategory::One),
            (bengali, 2, PluralCategory::Other),
            (bengali, 11, PluralCategory::Other),
        ] {
            assert_eq!(rule.category(n), category, "{rule:?} {n}");
        }
    }
}
