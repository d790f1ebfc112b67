//! `INDICATORS.md`'s table as data, in one place: which question each headline counts,
//! the options counted as "yes", the options left out of the base, and the ONS
//! wellbeing bands. The counting is in [`crate::results::indicators`]; the tests there
//! pin every code and option against the shipped v1 questionnaire.

use serde::Serialize;

use crate::questionnaire::OptionCode;

/// One row of `INDICATORS.md`'s table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// The question's code (v1).
    pub question: &'static str,
    /// What the indicator says, as the console shows it.
    pub name: &'static str,
    /// The options counted as "yes".
    pub yes: &'static [OptionCode],
    /// Options left out of the base and reported apart.
    pub excluded: &'static [OptionCode],
    /// The national measure it is comparable with.
    pub measure: &'static str,
}

const fn headline(
    question: &'static str,
    name: &'static str,
    yes: &'static [OptionCode],
    measure: &'static str,
) -> Headline {
    Headline {
        question,
        name,
        yes,
        excluded: &[],
        measure,
    }
}

const ASB: &str = "Place Survey NI 17 (item level)";

/// `INDICATORS.md`'s table, in its order; the anti-social behaviour row is one
/// indicator per item.
pub const HEADLINES: &[Headline] = &[
    headline(
        "AREA_SATISFACTION",
        "Satisfied with the local area",
        &[1, 2],
        "Place Survey NI 5",
    ),
    headline(
        "BELONGING",
        "Belong strongly to the area",
        &[1, 2],
        "Place Survey NI 2",
    ),
    Headline {
        question: "DIFFERENT_BACKGROUNDS",
        name: "People from different backgrounds get on well",
        yes: &[1, 2],
        excluded: &[6, 7],
        measure: "Place Survey NI 1",
    },
    headline(
        "INFLUENCE_DECISIONS",
        "Can influence local decisions",
        &[1, 2],
        "Place Survey NI 4",
    ),
    headline(
        "TRUST_NEIGHBOURS",
        "Trust many or most neighbours",
        &[1, 2],
        "Community Life Survey",
    ),
    Headline {
        question: "SAFE_AFTER_DARK",
        name: "Feel safe walking alone after dark",
        yes: &[1, 2],
        excluded: &[6],
        measure: "Crime Survey for England and Wales",
    },
    headline(
        "ASB_NOISY_NEIGHBOURS",
        "Noisy neighbours or loud parties a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_TEENAGERS",
        "Teenagers hanging around on the streets a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_LITTER",
        "Rubbish or litter lying around a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_VANDALISM",
        "Vandalism, graffiti or deliberate damage a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_DRUGS",
        "People using or dealing drugs a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_DRUNK_ROWDY",
        "People being drunk or rowdy a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_ABANDONED_CARS",
        "Abandoned or burnt-out cars a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "POLICE_COUNCIL_DEALING",
        "Police and council deal with anti-social behaviour and crime",
        &[1, 2],
        "Place Survey NI 21",
    ),
    headline(
        "GENERAL_HEALTH",
        "Good or very good health",
        &[1, 2],
        "Census 2021",
    ),
    headline(
        "LONELINESS",
        "Lonely often or always",
        &[1],
        "ONS direct measure",
    ),
    headline(
        "TREATED_RESPECT",
        "Treated with respect by local services",
        &[1, 2],
        "Place Survey NI 140",
    ),
    headline(
        "VOLUNTEERING",
        "Volunteer at least monthly",
        &[1],
        "Place Survey NI 6",
    ),
];

/// A band of 0–10 scores (both ends included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BandLimits {
    /// The band's name ("low").
    pub name: &'static str,
    /// Lowest score in it.
    pub from: i64,
    /// Highest score in it.
    pub to: i64,
}

const fn band(name: &'static str, from: i64, to: i64) -> BandLimits {
    BandLimits { name, from, to }
}

/// The ONS thresholds for life satisfaction, worthwhile and happiness.
pub const POSITIVE_BANDS: [BandLimits; 4] = [
    band("low", 0, 4),
    band("medium", 5, 6),
    band("high", 7, 8),
    band("very high", 9, 10),
];

/// The ONS thresholds for anxiety, where low is good.
pub const ANXIETY_BANDS: [BandLimits; 4] = [
    band("very low", 0, 1),
    band("low", 2, 3),
    band("medium", 4, 5),
    band("high", 6, 10),
];

/// One ONS personal wellbeing question and how it is banded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WellbeingMeasure {
    /// The question's code (v1).
    pub question: &'static str,
    /// The measure's name, as the console shows it.
    pub name: &'static str,
    /// Its bands.
    pub bands: &'static [BandLimits; 4],
    /// Which band's share is the headline: low scores, or high anxiety.
    pub headline: usize,
}

/// The four ONS personal wellbeing measures (ONS4), each 0–10.
pub const WELLBEING: [WellbeingMeasure; 4] = [
    WellbeingMeasure {
        question: "LIFE_SATISFACTION",
        name: "Life satisfaction",
        bands: &POSITIVE_BANDS,
        headline: 0,
    },
    WellbeingMeasure {
        question: "WORTHWHILE",
        name: "Feeling the things you do are worthwhile",
        bands: &POSITIVE_BANDS,
        headline: 0,
    },
    WellbeingMeasure {
        question: "HAPPY_YESTERDAY",
        name: "Happiness yesterday",
        bands: &POSITIVE_BANDS,
        headline: 0,
    },
    WellbeingMeasure {
        question: "ANXIOUS_YESTERDAY",
        name: "Anxiety yesterday",
        bands: &ANXIETY_BANDS,
        headline: 3,
    },
];
