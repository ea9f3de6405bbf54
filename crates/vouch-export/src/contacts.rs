//! `vouch export contacts`: every contact of the workspace with its latest attributes, a page
//! at a time in id order.

use vouch_store::{AttributeDefinition, ContactId, ContactQuery, Store, WorkspaceId};

use crate::ExportResult;
use crate::table::{Cell, Column, ColumnType, attribute_column_name};

/// Contacts read per page.
pub const PAGE_CONTACTS: usize = 10_000;

/// A planned export of the workspace's contacts; read it with [`ContactExport::next_page`].
pub struct ContactExport {
    workspace: WorkspaceId,
    attributes: Vec<AttributeDefinition>,
    columns: Vec<Column>,
    after: Option<ContactId>,
    done: bool,
}

impl ContactExport {
    /// Plans the export: columns `id`, `external_id`, `email`, then one per attribute.
    pub async fn prepare(store: &dyn Store, workspace: WorkspaceId) -> ExportResult<ContactExport> {
        let attributes = store.attribute_definitions(workspace).await?;
        let fixed = vec![
            Column::new("id", ColumnType::Int),
            Column::new("external_id", ColumnType::Text),
            Column::new("email", ColumnType::Text),
        ];
        let mut columns = fixed.clone();
        columns.extend(attributes.iter().map(|definition| {
            Column::new(
                attribute_column_name(&definition.name, &fixed),
                ColumnType::of_attribute(definition.kind),
            )
        }));
        Ok(ContactExport {
            workspace,
            attributes,
            columns,
            after: None,
            done: false,
        })
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The next page of rows; `None` once all are out.
    pub async fn next_page(&mut self, store: &dyn Store) -> ExportResult<Option<Vec<Vec<Cell>>>> {
        if self.done {
            return Ok(None);
        }
        let query = ContactQuery {
            filters: Vec::new(),
            after: self.after,
            limit: PAGE_CONTACTS,
        };
        let page = store.contacts(self.workspace, &query).await?;
        self.done = page.len() < PAGE_CONTACTS;
        let Some(last) = page.last() else {
            self.done = true;
            return Ok(None);
        };
        self.after = Some(last.id);
        let attribute_columns = &self.columns[3..];
        Ok(Some(
            page.into_iter()
                .map(|contact| {
                    let mut row = vec![
                        Cell::Int(contact.id.0),
                        Cell::text(contact.external_id),
                        Cell::text(contact.email),
                    ];
                    for (definition, column) in self.attributes.iter().zip(attribute_columns) {
                        row.push(Cell::of_attribute(
                            contact.attributes.get(&definition.name),
                            column.kind,
                        ));
                    }
                    row
                })
                .collect(),
        ))
    }
}
