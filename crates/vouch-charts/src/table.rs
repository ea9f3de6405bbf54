//! The companion data tables: plain, escaped HTML that a page styles with `table.vc-data`.

use super::svg::Writer;

/// One column: its heading and whether it holds numbers (right-aligned, class `num`).
pub(super) struct Column {
    pub(super) heading: &'static str,
    pub(super) numeric: bool,
}

/// One row: the first cell is the row's header (`<th scope="row">`), then the others.
pub(super) struct Row {
    pub(super) header: String,
    pub(super) cells: Vec<String>,
    /// A class for the `<tr>`, such as `vc-small` for a sample to read with care.
    pub(super) class: Option<&'static str>,
}

/// `<table class="vc-data">` with a caption, a header row, the rows and an optional footer.
pub(super) fn data_table(
    caption: &str,
    columns: &[Column],
    rows: &[Row],
    footer: Option<&Row>,
) -> String {
    let mut writer = Writer::new();
    writer.open("table").attr("class", "vc-data").end();
    writer.element("caption", &[], caption);
    writer.open("thead").end();
    writer.open("tr").end();
    for column in columns {
        let tag = writer.open("th").attr("scope", "col");
        let tag = if column.numeric {
            tag.attr("class", "num")
        } else {
            tag
        };
        tag.end();
        writer.text(column.heading);
        writer.close("th");
    }
    writer.close("tr");
    writer.close("thead");
    writer.open("tbody").end();
    for row in rows {
        write_row(&mut writer, columns, row);
    }
    writer.close("tbody");
    if let Some(footer) = footer {
        writer.open("tfoot").end();
        write_row(&mut writer, columns, footer);
        writer.close("tfoot");
    }
    writer.close("table");
    writer.finish()
}

fn write_row(writer: &mut Writer, columns: &[Column], row: &Row) {
    writer.open("tr").attr_opt("class", row.class).end();
    writer.open("th").attr("scope", "row").end();
    writer.text(&row.header);
    writer.close("th");
    for (cell, column) in row.cells.iter().zip(columns.iter().skip(1)) {
        let tag = writer.open("td");
        let tag = if column.numeric {
            tag.attr("class", "num")
        } else {
            tag
        };
        tag.end();
        writer.text(cell);
        writer.close("td");
    }
    writer.close("tr");
}
