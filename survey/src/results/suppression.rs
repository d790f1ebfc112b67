//! Small-count suppression: what every table passes through before it is shown or
//! exported, so no count can point to a few residents.
//!
//! The rules, for a [`Threshold`] N (10 unless the collector is set otherwise, never
//! below 5):
//!
//! 1. **Primary**: a count from 1 to N − 1 is hidden, totals included.
//! 2. **Zeros** are shown: "nobody answered this" says nothing about any one resident.
//!    Except beside a small total: a zero in a row or column whose total is from 1 to
//!    N − 1 is hidden too, because "0 of 7 said they feel safe" says what all 7 said.
//!    (A zero total, of an empty row, hides nothing.)
//! 3. **Secondary**: every line of the table — a row with its total, a column with its
//!    total, the totals with the grand total — must hide none or at least two of its
//!    figures, or the one hidden could be worked out by subtracting the others from the
//!    total. In a line with exactly one hidden figure, the smallest shown figure that is
//!    not its total is hidden too (a non-zero one if there is one: hiding a zero protects
//!    little), or the total when nothing else is left. Hiding one figure can leave
//!    another line with one, so this repeats until no line has exactly one (it ends: each
//!    round hides at least one more figure, and a line of hidden figures has none to
//!    give away).
//! 4. **Lines together**: two hidden figures in every line is not always enough, since
//!    lines can be added and subtracted together (two hidden rectangles joined by one
//!    hidden cell give that cell away). While any hidden figure can be solved for from
//!    all the lines at once (see `audit`), one more figure beside it is hidden, and
//!    step 3 runs again.
//! 5. **Breakdowns**: a breakdown (by ward, by agency, by a filter) whose base is below N
//!    is not shown at all ([`Threshold::breakdown`]).
//!
//! What this guards is an exact value worked out from the table's own lines. It does
//! not claim more: a hidden figure can still be bounded (counts are never negative, so
//! two hidden figures adding up to 12 are each at most 12), and a table published beside
//! another of the same people (the same ward twice, filtered differently) can give away
//! the difference: a screen or export should not put two overlapping breakdowns of the
//! same responses side by side.
//!
//! A hidden figure ([`Cell::Suppressed`]) carries no value and no reason: the console
//! shows every one alike, so a reader cannot tell a small count from one hidden to
//! protect it (a secondary cell may be large, so "fewer than N" would be untrue of it).

use serde::{Deserialize, Serialize};

use crate::results::audit;

/// The smallest count shown (N): counts below it are hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Threshold(u64);

/// A threshold lower than the rules allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    /// Below [`Threshold::MINIMUM`].
    #[error(
        "the small-numbers threshold must be at least {minimum}; {asked} would show counts \
         small enough to point to a few residents"
    )]
    TooLow {
        /// The threshold asked for.
        asked: u64,
        /// The lowest allowed.
        minimum: u64,
    },
}

impl Threshold {
    /// The lowest threshold allowed.
    pub const MINIMUM: u64 = 5;
    /// The threshold unless the collector is set otherwise.
    pub const DEFAULT: Threshold = Threshold(10);

    /// A threshold of `n`, refused when below [`Threshold::MINIMUM`].
    pub fn new(n: u64) -> Result<Threshold, ThresholdError> {
        if n < Self::MINIMUM {
            Err(ThresholdError::TooLow {
                asked: n,
                minimum: Self::MINIMUM,
            })
        } else {
            Ok(Threshold(n))
        }
    }

    /// The threshold as a number.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Whether a count is small: from 1 to N − 1.
    pub fn is_small(self, count: u64) -> bool {
        count > 0 && count < self.0
    }

    /// A breakdown with `base` responses: `table` made and shown only when the base
    /// reaches the threshold.
    pub fn breakdown<T>(self, base: u64, table: impl FnOnce() -> T) -> Breakdown<T> {
        if base < self.0 {
            Breakdown::TooFew { threshold: self.0 }
        } else {
            Breakdown::Shown(table())
        }
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold::DEFAULT
    }
}

impl TryFrom<u64> for Threshold {
    type Error = ThresholdError;

    fn try_from(n: u64) -> Result<Self, Self::Error> {
        Threshold::new(n)
    }
}

impl From<Threshold> for u64 {
    fn from(threshold: Threshold) -> u64 {
        threshold.0
    }
}

/// One figure of a table as it may be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    /// The count, shown.
    Shown(u64),
    /// Hidden: small, or hidden so that a small one cannot be worked out. Its percentage
    /// is hidden with it.
    Suppressed,
}

impl Cell {
    /// The count, if shown.
    pub fn shown(self) -> Option<u64> {
        match self {
            Cell::Shown(count) => Some(count),
            Cell::Suppressed => None,
        }
    }

    /// Whether the figure is hidden.
    pub fn is_suppressed(self) -> bool {
        self == Cell::Suppressed
    }
}

/// A breakdown, or the reason it is not shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown<T> {
    /// Enough responses: the breakdown (its own cells suppressed as they need).
    Shown(T),
    /// Fewer responses than the threshold: nothing of it is shown.
    TooFew {
        /// The threshold its base did not reach.
        threshold: u64,
    },
}

/// One line of a table: figures that add up to a total, by their index among the
/// table's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The figures that add up to the total.
    pub members: Vec<usize>,
    /// The total's index.
    pub total: usize,
}

/// Which of `values` to hide, by the module's rules, for a table whose `lines` say
/// which figures add up to which totals. An index beyond `values` in a line is ignored.
pub fn suppress(values: &[u64], lines: &[Line], threshold: Threshold) -> Vec<Cell> {
    let in_range = |index: &usize| *index < values.len();
    let lines: Vec<Line> = lines
        .iter()
        .filter(|line| in_range(&line.total))
        .map(|line| Line {
            members: line.members.iter().copied().filter(in_range).collect(),
            total: line.total,
        })
        .collect();
    let mut hidden: Vec<bool> = values.iter().map(|&v| threshold.is_small(v)).collect();
    // Zeros beside a small total.
    for line in lines
        .iter()
        .filter(|line| threshold.is_small(values[line.total]))
    {
        for &member in &line.members {
            if values[member] == 0 {
                hidden[member] = true;
            }
        }
    }
    loop {
        // Secondary, to a fixed point: no line hides exactly one figure.
        loop {
            let mut changed = false;
            for line in &lines {
                let hidden_members = line.members.iter().filter(|&&i| hidden[i]).count();
                if hidden_members + usize::from(hidden[line.total]) != 1 {
                    continue;
                }
                if let Some(index) = complement(line, values, &hidden) {
                    hidden[index] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Then the lines together: while a hidden figure can be solved for, hide one
        // more beside it (in a line through it, or failing that in any line that hides
        // something), and check the lines again.
        let Some(given_away) = audit::worked_out(&hidden, &lines) else {
            break;
        };
        let through = |line: &&Line| line.total == given_away || line.members.contains(&given_away);
        let hides = |line: &&Line| line.members.iter().chain([&line.total]).any(|&i| hidden[i]);
        let beside = lines
            .iter()
            .filter(through)
            .chain(lines.iter().filter(hides))
            .find_map(|line| complement(line, values, &hidden));
        match beside {
            Some(index) => hidden[index] = true,
            None => break,
        }
    }
    values
        .iter()
        .zip(hidden)
        .map(|(&value, hidden)| {
            if hidden {
                Cell::Suppressed
            } else {
                Cell::Shown(value)
            }
        })
        .collect()
}

/// The figure of `line` to hide beside the hidden ones: its smallest shown figure that
/// is not its total, a non-zero one if there is one; else its total, if shown.
fn complement(line: &Line, values: &[u64], hidden: &[bool]) -> Option<usize> {
    let shown_members = || line.members.iter().copied().filter(|&i| !hidden[i]);
    shown_members()
        .filter(|&i| values[i] > 0)
        .min_by_key(|&i| values[i])
        .or_else(|| shown_members().min_by_key(|&i| values[i]))
        .or_else(|| Some(line.total).filter(|&i| !hidden[i]))
}

/// A list of counts with their total (one question's answers), as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct List {
    /// The counts, in the order given.
    pub cells: Vec<Cell>,
    /// Their total.
    pub total: Cell,
}

/// `counts` and their sum, suppressed.
pub fn suppress_list(counts: &[u64], threshold: Threshold) -> List {
    let mut values = counts.to_vec();
    values.push(counts.iter().sum());
    let line = Line {
        members: (0..counts.len()).collect(),
        total: counts.len(),
    };
    let mut cells = suppress(&values, &[line], threshold);
    let total = cells.pop().unwrap_or(Cell::Suppressed);
    List { cells, total }
}

/// A two-way table (e.g. wards by answer) with row, column and grand totals, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The counts, row by row.
    pub cells: Vec<Vec<Cell>>,
    /// Each row's total.
    pub row_totals: Vec<Cell>,
    /// Each column's total.
    pub column_totals: Vec<Cell>,
    /// The grand total.
    pub total: Cell,
}

/// Rows of a table that are not all the same length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("row {row} has {found} counts where the first row has {expected}")]
pub struct RaggedRows {
    /// The row (from 0) of another length.
    pub row: usize,
    /// The first row's length.
    pub expected: usize,
    /// That row's length.
    pub found: usize,
}

/// `rows` of counts with their row, column and grand totals, suppressed.
pub fn suppress_table(rows: &[Vec<u64>], threshold: Threshold) -> Result<Table, RaggedRows> {
    let width = rows.first().map_or(0, Vec::len);
    if let Some((row, found)) = rows
        .iter()
        .map(Vec::len)
        .enumerate()
        .find(|(_, len)| *len != width)
    {
        return Err(RaggedRows {
            row,
            expected: width,
            found,
        });
    }
    let height = rows.len();
    // Figures: the cells row by row, then the row totals, the column totals, the total.
    let cell = |r: usize, c: usize| r * width + c;
    let row_total = |r: usize| height * width + r;
    let column_total = |c: usize| height * width + height + c;
    let grand = height * width + height + width;
    let mut values: Vec<u64> = rows.iter().flatten().copied().collect();
    values.extend(rows.iter().map(|row| row.iter().sum::<u64>()));
    values.extend((0..width).map(|c| rows.iter().map(|row| row[c]).sum::<u64>()));
    values.push(rows.iter().flatten().sum());
    let mut lines: Vec<Line> = (0..height)
        .map(|r| Line {
            members: (0..width).map(|c| cell(r, c)).collect(),
            total: row_total(r),
        })
        .collect();
    lines.extend((0..width).map(|c| Line {
        members: (0..height).map(|r| cell(r, c)).collect(),
        total: column_total(c),
    }));
    lines.push(Line {
        members: (0..height).map(row_total).collect(),
        total: grand,
    });
    lines.push(Line {
        members: (0..width).map(column_total).collect(),
        total: grand,
    });
    let cells = suppress(&values, &lines, threshold);
    Ok(Table {
        cells: (0..height)
            .map(|r| (0..width).map(|c| cells[cell(r, c)]).collect())
            .collect(),
        row_totals: (0..height).map(|r| cells[row_total(r)]).collect(),
        column_totals: (0..width).map(|c| cells[column_total(c)]).collect(),
        total: cells[grand],
    })
}

#[cfg(test)]
#[path = "suppression_tests.rs"]
mod tests;
