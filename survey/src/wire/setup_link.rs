//! The set-up link a coordinator gives a worker (on screen or as a QR code): it opens the
//! app's set-up screen with the collector's address, the agency and the upload token
//! filled in, so nobody types a 70-character token at a door.
//!
//! ```text
//! https://collector.example.org/setup#collector=https%3A%2F%2Fcollector.example.org&agency=hackney-council&token=dst_…
//! ```
//!
//! The three parts travel in the **fragment** (after `#`): a browser never sends it to a
//! server, so the token reaches no server, proxy or log on the way; the app reads it in
//! the browser, offline too, and removes it from the address bar. Each value is
//! percent-encoded (every byte but `A–Z a–z 0–9 - . _ ~`); `+` is a plus, not a space.
//! Parts the app does not know are ignored, so a newer console may add some without older
//! tablets refusing its links; a part given twice is refused, as nobody can tell which
//! was meant.
//!
//! ```
//! use survey::wire::SetupLink;
//! let link = SetupLink {
//!     collector: "https://collector.example.org".into(),
//!     agency: "hackney-council".into(),
//!     token: "dst_0123".into(),
//! };
//! assert_eq!(
//!     link.to_url(),
//!     "https://collector.example.org/setup#collector=https%3A%2F%2Fcollector.example.org\
//!      &agency=hackney-council&token=dst_0123"
//! );
//! assert_eq!(SetupLink::parse(&link.to_url()), Ok(link));
//! ```

use std::fmt;

use crate::record::AgencyCode;

/// The app's set-up screen, where a [`SetupLink`] leads.
pub const SETUP_PATH: &str = "/setup";

/// The longest collector address a link may carry (as the set-up screen allows).
pub const MAX_LINK_COLLECTOR: usize = 200;
/// The longest agency code a link may carry.
pub const MAX_LINK_AGENCY: usize = 64;
/// The longest upload token a link may carry (as the set-up screen allows).
pub const MAX_LINK_TOKEN: usize = 200;

/// What a set-up link fills in on the tablet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupLink {
    /// The collector's address (`https://collector.example.org`), where the tablet hands
    /// in. The link opens the app this collector serves.
    pub collector: String,
    /// The agency the token is for.
    pub agency: AgencyCode,
    /// The agency's upload token.
    pub token: String,
}

/// A part of a set-up link, named as the set-up screen names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupLinkPart {
    /// `collector=`: the collector address.
    Collector,
    /// `agency=`: the agency.
    Agency,
    /// `token=`: the upload token.
    Token,
}

impl SetupLinkPart {
    /// Every part, in the order a link carries them.
    pub const ALL: [SetupLinkPart; 3] = [
        SetupLinkPart::Collector,
        SetupLinkPart::Agency,
        SetupLinkPart::Token,
    ];

    /// Its key in the fragment (`token`).
    pub fn key(self) -> &'static str {
        match self {
            SetupLinkPart::Collector => "collector",
            SetupLinkPart::Agency => "agency",
            SetupLinkPart::Token => "token",
        }
    }

    /// Its name in words (`upload token`).
    pub fn name(self) -> &'static str {
        match self {
            SetupLinkPart::Collector => "collector address",
            SetupLinkPart::Agency => "agency",
            SetupLinkPart::Token => "upload token",
        }
    }

    fn longest(self) -> usize {
        match self {
            SetupLinkPart::Collector => MAX_LINK_COLLECTOR,
            SetupLinkPart::Agency => MAX_LINK_AGENCY,
            SetupLinkPart::Token => MAX_LINK_TOKEN,
        }
    }
}

/// Why an address is not a set-up link the app can use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupLinkError {
    /// There is nothing after `#`: the link was cut short, or it is the plain set-up
    /// address.
    NoFragment,
    /// A part is absent or empty.
    Missing(SetupLinkPart),
    /// A part is given twice.
    Repeated(SetupLinkPart),
    /// A part's percent-encoding is broken (`%G1`, a `%` at the end, not UTF-8).
    Garbled(SetupLinkPart),
    /// A part is longer than it can be (a token over [`MAX_LINK_TOKEN`] characters).
    TooLong(SetupLinkPart),
    /// A part holds blanks or control characters, which no address, agency code or token
    /// has.
    Blanks(SetupLinkPart),
    /// The collector address does not start with `https://` or `http://`.
    NotAWebAddress,
}

impl fmt::Display for SetupLinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupLinkError::NoFragment => {
                f.write_str("This set-up link is cut short: nothing follows the #")
            }
            SetupLinkError::Missing(part) => {
                write!(f, "This set-up link is missing the {}", part.name())
            }
            SetupLinkError::Repeated(part) => {
                write!(f, "This set-up link gives the {} twice", part.name())
            }
            SetupLinkError::Garbled(part) => {
                write!(f, "The {} in this set-up link is garbled", part.name())
            }
            SetupLinkError::TooLong(part) => write!(
                f,
                "The {} in this set-up link is too long (more than {} characters)",
                part.name(),
                part.longest()
            ),
            SetupLinkError::Blanks(part) => {
                write!(
                    f,
                    "The {} in this set-up link has spaces in it",
                    part.name()
                )
            }
            SetupLinkError::NotAWebAddress => f.write_str(
                "The collector address in this set-up link does not start with https:// or http://",
            ),
        }
    }
}

impl std::error::Error for SetupLinkError {}

impl SetupLink {
    /// The link: the collector's own set-up address with the parts in the fragment.
    pub fn to_url(&self) -> String {
        format!(
            "{}{SETUP_PATH}#{}",
            self.collector.trim_end_matches('/'),
            self.fragment()
        )
    }

    /// The fragment alone (without `#`): `collector=…&agency=…&token=…`.
    pub fn fragment(&self) -> String {
        let values = [
            self.collector.as_str(),
            self.agency.as_str(),
            self.token.as_str(),
        ];
        SetupLinkPart::ALL
            .iter()
            .zip(values)
            .map(|(part, value)| format!("{}={}", part.key(), encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a whole link (`https://…/setup#collector=…`); only its fragment counts.
    pub fn parse(url: &str) -> Result<SetupLink, SetupLinkError> {
        match url.split_once('#') {
            Some((_, fragment)) => SetupLink::from_fragment(fragment),
            None => Err(SetupLinkError::NoFragment),
        }
    }

    /// Reads a link's fragment (with or without its leading `#`).
    pub fn from_fragment(fragment: &str) -> Result<SetupLink, SetupLinkError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.trim().is_empty() {
            return Err(SetupLinkError::NoFragment);
        }
        let mut found: [Option<String>; 3] = [None, None, None];
        for pair in fragment.split('&') {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(index) = SetupLinkPart::ALL.iter().position(|p| p.key() == key) else {
                continue; // a part for a newer app: ignored
            };
            let part = SetupLinkPart::ALL[index];
            if found[index].is_some() {
                return Err(SetupLinkError::Repeated(part));
            }
            let value = decode(raw).ok_or(SetupLinkError::Garbled(part))?;
            found[index] = Some(value);
        }
        let mut values = Vec::with_capacity(3);
        for (part, value) in SetupLinkPart::ALL.into_iter().zip(found) {
            let value = value.filter(|v| !v.is_empty());
            let value = value.ok_or(SetupLinkError::Missing(part))?;
            if value.chars().count() > part.longest() {
                return Err(SetupLinkError::TooLong(part));
            }
            if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(SetupLinkError::Blanks(part));
            }
            values.push(value);
        }
        let [collector, agency, token] = <[String; 3]>::try_from(values)
            .map_err(|_| SetupLinkError::Missing(SetupLinkPart::Collector))?;
        if !(collector.starts_with("https://") || collector.starts_with("http://")) {
            return Err(SetupLinkError::NotAWebAddress);
        }
        Ok(SetupLink {
            collector,
            agency: AgencyCode(agency),
            token,
        })
    }
}

/// Percent-encodes every byte but the unreserved ones (RFC 3986).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Undoes [`encode`] (and any other percent-encoding); `None` if it is broken.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> SetupLink {
        SetupLink {
            collector: "http://127.0.0.1:8080".into(),
            agency: "hackney-council".into(),
            token: format!("dst_{}", "0a".repeat(32)),
        }
    }

    #[test]
    fn a_link_reads_back_as_itself() {
        let odd = SetupLink {
            collector: "https://c.example.org:8443/doorstep".into(),
            agency: "agency+one/ü".into(),
            token: "a%b&c=d+e#f".into(),
        };
        for link in [link(), odd] {
            let url = link.to_url();
            assert_eq!(SetupLink::parse(&url), Ok(link.clone()), "{url}");
            assert_eq!(url.matches('#').count(), 1, "{url}");
        }
    }

    #[test]
    fn the_parts_go_in_the_fragment_of_the_collectors_set_up_address() {
        let url = link().to_url();
        let (address, fragment) = url.split_once('#').unwrap();
        assert_eq!(address, "http://127.0.0.1:8080/setup");
        assert!(fragment.contains(&link().token), "{fragment}");
        assert!(!address.contains("dst_"));
        let trailing = SetupLink {
            collector: "https://c.example.org/".into(),
            ..link()
        };
        assert!(trailing
            .to_url()
            .starts_with("https://c.example.org/setup#"));
    }

    #[test]
    fn a_missing_or_empty_part_is_named() {
        let full = link().fragment();
        for part in SetupLinkPart::ALL {
            let without: Vec<&str> = full
                .split('&')
                .filter(|p| !p.starts_with(&format!("{}=", part.key())))
                .collect();
            assert_eq!(
                SetupLink::from_fragment(&without.join("&")),
                Err(SetupLinkError::Missing(part))
            );
            let empty = full.replace(
                &format!("{}=", part.key()),
                &format!("{}=&was=", part.key()),
            );
            assert_eq!(
                SetupLink::from_fragment(&empty),
                Err(SetupLinkError::Missing(part))
            );
        }
        let no_token = SetupLink::from_fragment("collector=http%3A%2F%2Fx&agency=a").unwrap_err();
        assert_eq!(
            no_token.to_string(),
            "This set-up link is missing the upload token"
        );
    }

    #[test]
    fn no_fragment_is_not_a_link() {
        for url in ["http://x/setup", "http://x/setup#", "#", ""] {
            assert_eq!(
                SetupLink::parse(url),
                Err(SetupLinkError::NoFragment),
                "{url}"
            );
        }
    }

    #[test]
    fn broken_encoding_is_garbled() {
        for (token, why) in [
            ("abc%G1", "not hex"),
            ("abc%2", "cut short"),
            ("%FF%FE", "not UTF-8"),
        ] {
            let fragment = format!("collector=http%3A%2F%2Fx&agency=a&token={token}");
            assert_eq!(
                SetupLink::from_fragment(&fragment),
                Err(SetupLinkError::Garbled(SetupLinkPart::Token)),
                "{why}"
            );
        }
    }

    #[test]
    fn unknown_parts_are_ignored_and_repeated_ones_refused() {
        let newer = format!("v=2&{}&ward=E05009370", link().fragment());
        assert_eq!(SetupLink::from_fragment(&newer), Ok(link()));
        let twice = format!("{}&agency=other", link().fragment());
        assert_eq!(
            SetupLink::from_fragment(&twice),
            Err(SetupLinkError::Repeated(SetupLinkPart::Agency))
        );
    }

    #[test]
    fn an_over_long_token_is_refused() {
        let longest = SetupLink {
            token: "t".repeat(MAX_LINK_TOKEN),
            ..link()
        };
        assert_eq!(SetupLink::parse(&longest.to_url()), Ok(longest.clone()));
        let over = SetupLink {
            token: "t".repeat(MAX_LINK_TOKEN + 1),
            ..link()
        };
        assert_eq!(
            SetupLink::parse(&over.to_url()),
            Err(SetupLinkError::TooLong(SetupLinkPart::Token))
        );
    }

    #[test]
    fn blanks_and_other_addresses_are_refused() {
        let spaced = SetupLink {
            token: "abc def".into(),
            ..link()
        };
        assert_eq!(
            SetupLink::parse(&spaced.to_url()),
            Err(SetupLinkError::Blanks(SetupLinkPart::Token))
        );
        let ftp = SetupLink {
            collector: "ftp://x".into(),
            ..link()
        };
        assert_eq!(
            SetupLink::parse(&ftp.to_url()),
            Err(SetupLinkError::NotAWebAddress)
        );
    }
}
