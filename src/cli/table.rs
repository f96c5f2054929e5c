//! Helm's tables (uitable): cells padded to their column's width, separated by a tab.

/// Cells padded to their column's width and separated by a tab, as Helm's tables are.
pub fn columns(rows: &[Vec<String>]) -> String {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n).map(width).collect();
    let mut out = String::new();
    for row in rows {
        let last = row.len().saturating_sub(1);
        for (i, cell) in row.iter().enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}\t", w = widths[i]));
            }
        }
        out.push('\n');
    }
    out
}

/// [`columns`] with trailing blanks cut from each line (the repository tables).
pub fn trimmed_columns(rows: &[Vec<String>]) -> String {
    columns(rows).lines().map(|l| format!("{}\n", l.trim_end())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_padded_then_tab_separated() {
        let rows = vec![
            vec!["NAME".to_string(), "REVISION".to_string()],
            vec!["metallb".to_string(), "1".to_string()],
            vec!["x".to_string(), String::new()],
        ];
        assert_eq!(columns(&rows), "NAME   \tREVISION\nmetallb\t1\nx      \t\n");
        assert_eq!(trimmed_columns(&rows), "NAME   \tREVISION\nmetallb\t1\nx\n");
    }
}
