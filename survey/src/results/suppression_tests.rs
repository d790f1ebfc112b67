use proptest::prelude::*;

use super::*;

fn threshold(n: u64) -> Threshold {
    Threshold::new(n).unwrap()
}

fn shown(counts: &[u64]) -> Vec<Cell> {
    counts.iter().map(|&c| Cell::Shown(c)).collect()
}

const S: Cell = Cell::Suppressed;

#[test]
fn a_threshold_below_five_is_refused_in_plain_words() {
    assert_eq!(
        Threshold::new(4),
        Err(ThresholdError::TooLow {
            asked: 4,
            minimum: 5
        })
    );
    assert_eq!(Threshold::new(5).map(Threshold::get), Ok(5));
    assert_eq!(Threshold::default().get(), 10);
    assert!(serde_json::from_str::<Threshold>("3").is_err());
    assert_eq!(serde_json::from_str::<Threshold>("12").unwrap().get(), 12);
    let message = Threshold::new(0).unwrap_err().to_string();
    assert!(message.contains("at least 5"), "{message}");
}

#[test]
fn counts_from_the_threshold_up_and_zeros_are_shown() {
    let list = suppress_list(&[0, 10, 50], threshold(10));
    assert_eq!(list.cells, shown(&[0, 10, 50]));
    assert_eq!(list.total, Cell::Shown(60));
}

#[test]
fn a_small_count_alone_in_its_list_takes_the_smallest_other_count_with_it() {
    // 3 alone could be worked out as 103 − 40 − 60.
    let list = suppress_list(&[3, 60, 40], threshold(10));
    assert_eq!(list.cells, vec![S, Cell::Shown(60), S]);
    assert_eq!(list.total, Cell::Shown(103));
}

#[test]
fn the_complement_is_not_a_zero_when_a_count_can_be_hidden_instead() {
    let list = suppress_list(&[3, 0, 50], threshold(10));
    assert_eq!(list.cells, vec![S, Cell::Shown(0), S]);
}

#[test]
fn a_zero_is_hidden_only_when_nothing_else_in_its_line_can_be() {
    let table = suppress_table(&[vec![12, 0], vec![3, 40]], threshold(10)).unwrap();
    // 3 takes 40 (its row) and 12 (its column); column 1 then has 40 hidden alone and
    // nothing but its zero left to hide.
    assert_eq!(table.cells, vec![vec![S, S], vec![S, S]]);
    assert_eq!(table.row_totals, shown(&[12, 43]));
    assert_eq!(table.column_totals, shown(&[15, 40]));
    assert_eq!(table.total, Cell::Shown(55));
}

#[test]
fn a_zero_in_a_small_column_is_hidden_and_the_lines_it_crosses_protected() {
    let table = suppress_table(&[vec![3, 20], vec![0, 30]], threshold(10)).unwrap();
    // Column 0 (3 + 0 = 3) is small, so its zero goes too; then rows 0 and 1 and the
    // column totals' line need a second hidden figure each.
    assert_eq!(table.cells, vec![vec![S, S], vec![S, S]]);
    assert_eq!(table.column_totals, vec![S, S]);
    assert_eq!(table.row_totals, shown(&[23, 30]));
    assert_eq!(table.total, Cell::Shown(53));
}

#[test]
fn a_small_total_hides_its_whole_line_zeros_included() {
    let list = suppress_list(&[0, 3, 4], threshold(10));
    assert_eq!(list.cells, vec![S, S, S]);
    assert_eq!(list.total, S);
}

#[test]
fn an_empty_list_hides_nothing() {
    let list = suppress_list(&[0, 0], threshold(10));
    assert_eq!(list.cells, shown(&[0, 0]));
    assert_eq!(list.total, Cell::Shown(0));
}

#[test]
fn a_two_way_table_hides_a_rectangle_around_a_small_count() {
    let rows = vec![vec![2, 30, 40], vec![25, 35, 50], vec![60, 70, 80]];
    let table = suppress_table(&rows, threshold(10)).unwrap();
    // 2 is small; its row's smallest other is 30, its column's 25; column 1 then has
    // 30 hidden alone and takes 35, which leaves row 1 with two: a 2 × 2 rectangle.
    assert_eq!(
        table.cells,
        vec![
            vec![S, S, Cell::Shown(40)],
            vec![S, S, Cell::Shown(50)],
            shown(&[60, 70, 80]),
        ]
    );
    assert_eq!(table.row_totals, shown(&[72, 110, 210]));
    assert_eq!(table.column_totals, shown(&[87, 135, 170]));
    assert_eq!(table.total, Cell::Shown(392));
}

#[test]
fn ragged_rows_are_refused() {
    let error = suppress_table(&[vec![1, 2], vec![3]], threshold(10)).unwrap_err();
    assert_eq!(
        error,
        RaggedRows {
            row: 1,
            expected: 2,
            found: 1
        }
    );
}

#[test]
fn a_breakdown_below_the_threshold_is_not_shown_at_all() {
    let mut made = false;
    let breakdown = threshold(10).breakdown(9, || {
        made = true;
        "table"
    });
    assert_eq!(breakdown, Breakdown::TooFew { threshold: 10 });
    assert!(!made, "the table is not even made");
    assert_eq!(
        threshold(10).breakdown(10, || "table"),
        Breakdown::Shown("table")
    );
}

#[test]
fn cells_serialise_plainly() {
    assert_eq!(
        serde_json::to_string(&[Cell::Shown(12), Cell::Suppressed]).unwrap(),
        r#"[{"shown":12},"suppressed"]"#
    );
}

/// The lines of a `height` × `width` table laid out as [`suppress_table`] does.
fn table_lines(height: usize, width: usize) -> Vec<Line> {
    let grand = height * width + height + width;
    let mut lines: Vec<Line> = (0..height)
        .map(|r| Line {
            members: (0..width).map(|c| r * width + c).collect(),
            total: height * width + r,
        })
        .collect();
    lines.extend((0..width).map(|c| Line {
        members: (0..height).map(|r| r * width + c).collect(),
        total: height * width + height + c,
    }));
    lines.push(Line {
        members: (0..height).map(|r| height * width + r).collect(),
        total: grand,
    });
    lines.push(Line {
        members: (0..width).map(|c| height * width + height + c).collect(),
        total: grand,
    });
    lines
}

/// A hidden figure that all the lines together determine, if any, found the slow and
/// obvious way (independently of `audit`): figure k is determined when adding its unit
/// vector to the lines' equations does not raise their rank.
fn determined(values: &[u64], cells: &[Cell], lines: &[Line]) -> Option<usize> {
    let hidden: Vec<usize> = (0..values.len())
        .filter(|&i| cells[i].is_suppressed())
        .collect();
    let column = |i: usize| hidden.iter().position(|&h| h == i);
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for line in lines {
        let mut row = vec![0.0; hidden.len()];
        for &m in &line.members {
            if let Some(c) = column(m) {
                row[c] += 1.0;
            }
        }
        if let Some(c) = column(line.total) {
            row[c] -= 1.0;
        }
        if row.iter().any(|&x| x != 0.0) {
            rows.push(row);
        }
    }
    let rank = |mut m: Vec<Vec<f64>>| -> usize {
        let mut rank = 0;
        let cols = hidden.len();
        for c in 0..cols {
            let Some(p) = (rank..m.len()).find(|&r| m[r][c].abs() > 1e-9) else {
                continue;
            };
            m.swap(rank, p);
            let pivot_row = m[rank].clone();
            for (r, row) in m.iter_mut().enumerate() {
                let f = row[c] / pivot_row[c];
                if r != rank && f != 0.0 {
                    for (x, p) in row.iter_mut().zip(&pivot_row) {
                        *x -= f * p;
                    }
                }
            }
            rank += 1;
        }
        rank
    };
    let base = rank(rows.clone());
    for (k, &h) in hidden.iter().enumerate() {
        let mut with = rows.clone();
        let mut unit = vec![0.0; hidden.len()];
        unit[k] = 1.0;
        with.push(unit);
        if rank(with) == base {
            return Some(h);
        }
    }
    None
}

/// The checks every suppressed table must pass, over its figures and lines.
fn check_protected(
    values: &[u64],
    cells: &[Cell],
    lines: &[Line],
    n: u64,
) -> Result<(), TestCaseError> {
    for (value, cell) in values.iter().zip(cells) {
        if let Cell::Shown(count) = cell {
            prop_assert_eq!(count, value, "a shown figure is the true one");
            prop_assert!(!(1..n).contains(count), "{} shown below {}", count, n);
        }
    }
    for line in lines {
        let figures: Vec<usize> = line.members.iter().copied().chain([line.total]).collect();
        let hidden = figures
            .iter()
            .filter(|&&i| cells[i].is_suppressed())
            .count();
        prop_assert!(
            hidden != 1,
            "one hidden figure in {:?} = {:?}: it is the total minus the others",
            figures.iter().map(|&i| values[i]).collect::<Vec<_>>(),
            figures.iter().map(|&i| cells[i]).collect::<Vec<_>>()
        );
        if (1..n).contains(&values[line.total]) {
            for &member in &line.members {
                prop_assert!(cells[member].is_suppressed(), "a zero beside a small total");
            }
        }
    }
    let solved = determined(values, cells, lines);
    prop_assert!(
        solved.is_none(),
        "figure {:?} follows from the lines together",
        solved
    );
    Ok(())
}

fn count() -> impl Strategy<Value = u64> {
    // Mostly small, where suppression has work to do, with zeros and large counts.
    prop_oneof![Just(0u64), 1u64..15, 0u64..200]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_hidden_figure_of_a_two_way_table_can_be_worked_out_from_its_lines(
        rows in (1usize..7, 1usize..7).prop_flat_map(|(height, width)| {
            proptest::collection::vec(proptest::collection::vec(count(), width), height)
        }),
        n in 5u64..16,
    ) {
        let table = suppress_table(&rows, threshold(n)).unwrap();
        let (height, width) = (rows.len(), rows[0].len());
        let mut values: Vec<u64> = rows.iter().flatten().copied().collect();
        values.extend(rows.iter().map(|row| row.iter().sum::<u64>()));
        values.extend((0..width).map(|c| rows.iter().map(|row| row[c]).sum::<u64>()));
        values.push(rows.iter().flatten().sum());
        let mut cells: Vec<Cell> = table.cells.iter().flatten().copied().collect();
        cells.extend(&table.row_totals);
        cells.extend(&table.column_totals);
        cells.push(table.total);
        check_protected(&values, &cells, &table_lines(height, width), n)?;
    }

    #[test]
    fn no_hidden_count_of_a_list_can_be_worked_out_from_its_total(
        counts in proptest::collection::vec(count(), 1..12),
        n in 5u64..16,
    ) {
        let list = suppress_list(&counts, threshold(n));
        let mut values = counts.clone();
        values.push(counts.iter().sum());
        let mut cells = list.cells.clone();
        cells.push(list.total);
        let line = Line { members: (0..counts.len()).collect(), total: counts.len() };
        check_protected(&values, &cells, &[line], n)?;
    }
}
