//! The worker's words as the app's catalog has them (`survey/questionnaires/
//! worker-words.json`, read with `survey`'s own loader), so that a test walking the app in
//! Turkish or Bengali looks for what a worker of that language reads, with the language's
//! digits and plural forms, and fails where English (or a message left out) shows instead.

use survey::worker_words::{self, Catalog, Texts};

use crate::Result;

/// One language of the catalog.
pub struct WorkerWords {
    catalog: Catalog,
    index: usize,
}

impl WorkerWords {
    /// The language with tag `code` (`"tr"`).
    pub fn of(code: &str) -> Result<WorkerWords> {
        let catalog = worker_words::shipped()?;
        let index = catalog
            .languages
            .iter()
            .position(|language| language.code.0 == code)
            .ok_or_else(|| format!("the catalog has no language {code:?}"))?;
        Ok(WorkerWords { catalog, index })
    }

    /// Its tag.
    pub fn code(&self) -> &str {
        &self.catalog.languages[self.index].code.0
    }

    /// Its name in itself, as Settings lists it (`"Türkçe"`).
    pub fn name(&self) -> &str {
        &self.catalog.languages[self.index].name
    }

    /// `n` in the language's digits.
    pub fn number(&self, n: impl std::fmt::Display) -> String {
        let digits = self.catalog.languages[self.index].digits;
        n.to_string()
            .chars()
            .map(|c| c.to_digit(10).map_or(c, |d| digits[d as usize]))
            .collect()
    }

    /// Message `key` with its placeholders filled from `fills` (name, text).
    pub fn say(&self, key: &str, fills: &[(&str, &str)]) -> Result<String> {
        let message = self.message(key)?;
        let Texts::Plain(texts) = &message.texts else {
            return Err(format!("{key} has plural forms: count it").into());
        };
        Ok(fill(&texts[self.index], fills))
    }

    /// Message `key` with plural forms, in the form for `n` (written in the language's
    /// digits as `{n}`), its other placeholders filled from `fills`.
    pub fn count(&self, key: &str, n: u64, fills: &[(&str, &str)]) -> Result<String> {
        let message = self.message(key)?;
        let Texts::Plural(forms) = &message.texts else {
            return Err(format!("{key} has no plural forms").into());
        };
        let rule = self.catalog.languages[self.index].plural;
        let form = rule
            .categories()
            .iter()
            .position(|category| *category == rule.category(n))
            .ok_or_else(|| format!("{key}: no form for {n}"))?;
        let number = self.number(n);
        let mut all = vec![(worker_words::COUNT, number.as_str())];
        all.extend_from_slice(fills);
        Ok(fill(&forms[self.index][form], &all))
    }

    fn message(&self, key: &str) -> Result<&worker_words::Message> {
        Ok(self
            .catalog
            .messages
            .iter()
            .find(|message| message.key == key)
            .ok_or_else(|| format!("the catalog has no message {key:?}"))?)
    }
}

fn fill(text: &str, fills: &[(&str, &str)]) -> String {
    fills.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}
