//! Whether a hidden figure can be worked out from the shown ones by solving all the
//! lines of a table together, not just by subtracting along one.
//!
//! Every line says "these figures add up to that total". With the shown figures put in,
//! each becomes an equation over the hidden ones. A hidden figure can be worked out
//! exactly when its own value follows from those equations: when the unit vector of
//! its variable lies in their row space, which is when the reduced row echelon form has
//! a row with that one variable alone. Hidden figures fall into groups that share no
//! line (a table per question, mostly), and each group is solved on its own, so the
//! work stays small however many questions there are.

use crate::results::suppression::Line;

/// Entries smaller than this count as zero. The equations have coefficients 0 and ±1
/// and a few dozen variables, far from where floating point goes astray.
const ZERO: f64 = 1e-9;

/// A hidden figure whose value follows from the shown ones and the `lines`, if any.
pub(crate) fn worked_out(hidden: &[bool], lines: &[Line]) -> Option<usize> {
    for group in groups(hidden, lines) {
        let column = |figure: usize| group.binary_search(&figure).ok();
        let mut rows: Vec<Vec<f64>> = lines
            .iter()
            .filter_map(|line| {
                let mut row = vec![0.0; group.len()];
                for &member in &line.members {
                    if let Some(c) = column(member) {
                        row[c] += 1.0;
                    }
                }
                if let Some(c) = column(line.total) {
                    row[c] -= 1.0;
                }
                row.iter().any(|x: &f64| x.abs() > ZERO).then_some(row)
            })
            .collect();
        reduce(&mut rows, group.len());
        for row in &rows {
            let mut non_zero = row.iter().enumerate().filter(|(_, x)| x.abs() > ZERO);
            if let (Some((alone, _)), None) = (non_zero.next(), non_zero.next()) {
                return Some(group[alone]);
            }
        }
    }
    None
}

/// Hidden figures in groups that share no line, each sorted.
fn groups(hidden: &[bool], lines: &[Line]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..hidden.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for line in lines {
        let mut figures = line
            .members
            .iter()
            .chain(std::iter::once(&line.total))
            .copied()
            .filter(|&i| hidden.get(i).copied().unwrap_or(false));
        if let Some(first) = figures.next() {
            for other in figures {
                let (a, b) = (root(&mut parent, first), root(&mut parent, other));
                parent[a] = b;
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: Vec<Option<usize>> = vec![None; hidden.len()];
    for i in (0..hidden.len()).filter(|&i| hidden[i]) {
        let r = root(&mut parent, i);
        match group_of[r] {
            Some(g) => groups[g].push(i),
            None => {
                group_of[r] = Some(groups.len());
                groups.push(vec![i]);
            }
        }
    }
    groups
}

/// Reduced row echelon form, in place (partial pivoting).
fn reduce(rows: &mut [Vec<f64>], columns: usize) {
    let mut rank = 0;
    for c in 0..columns {
        let pivot =
            (rank..rows.len()).max_by(|&a, &b| rows[a][c].abs().total_cmp(&rows[b][c].abs()));
        let Some(pivot) = pivot.filter(|&p| rows[p][c].abs() > ZERO) else {
            continue;
        };
        rows.swap(rank, pivot);
        let scale = rows[rank][c];
        for x in rows[rank].iter_mut() {
            *x /= scale;
        }
        let pivot_row = rows[rank].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            let factor = row[c];
            if r != rank && factor.abs() > ZERO {
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x -= factor * p;
                }
            }
        }
        rank += 1;
        if rank == rows.len() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(members: &[usize], total: usize) -> Line {
        Line {
            members: members.to_vec(),
            total,
        }
    }

    #[test]
    fn one_hidden_figure_in_a_line_is_worked_out() {
        let lines = [line(&[0, 1, 2], 3)];
        assert_eq!(worked_out(&[true, false, false, false], &lines), Some(0));
        assert_eq!(worked_out(&[true, true, false, false], &lines), None);
    }

    /// The rows and columns of a 4 × 4 table: cells 0–15 row by row, row totals 16–19,
    /// column totals 20–23.
    fn four_by_four() -> Vec<Line> {
        let mut lines: Vec<Line> = (0..4)
            .map(|r| line(&[4 * r, 4 * r + 1, 4 * r + 2, 4 * r + 3], 16 + r))
            .collect();
        lines.extend((0..4).map(|c| line(&[c, 4 + c, 8 + c, 12 + c], 20 + c)));
        lines
    }

    #[test]
    fn two_rectangles_hold_but_a_cell_joining_them_is_given_away() {
        let lines = four_by_four();
        let mut hidden = vec![false; 24];
        // A rectangle top left (rows 0–1, columns 0–1), one bottom right (rows 2–3,
        // columns 2–3): no hidden cell can be split from its partners.
        for i in [0, 1, 4, 5, 10, 11, 14, 15] {
            hidden[i] = true;
        }
        assert_eq!(worked_out(&hidden, &lines), None);
        // Hide cell 6 (row 1, column 2) too. Every line still hides two or more, but
        // rows 0 and 1 together minus columns 0 and 1 together leave exactly cell 6.
        hidden[6] = true;
        assert!(lines.iter().all(|l| {
            let n = l
                .members
                .iter()
                .chain([&l.total])
                .filter(|&&i| hidden[i])
                .count();
            n != 1
        }));
        assert_eq!(worked_out(&hidden, &lines), Some(6));
    }
}
