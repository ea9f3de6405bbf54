//! Plain-text tables for terminal output.

/// Renders rows under a header, each column padded to its widest cell and right-aligned
/// when `numeric[i]` is true.
pub fn render(header: &[&str], rows: &[Vec<String>], numeric: &[bool]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| match numeric.get(i).copied().unwrap_or(false) {
                true => format!("{cell:>width$}", width = widths[i]),
                false => format!("{cell:<width$}", width = widths[i]),
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}
