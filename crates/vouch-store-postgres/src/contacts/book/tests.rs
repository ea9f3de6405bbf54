//! Resolving keys to contacts, in memory.

use vouch_core::AttributeValue;

use super::*;

fn stored(id: i64, external_id: Option<&str>, email: Option<&str>) -> Entry {
    Entry {
        stored: Some(Stored {
            id,
            external_id: external_id.map(str::to_owned),
            email: email.map(str::to_owned),
            json: "{}".into(),
        }),
        external_id: external_id.map(str::to_owned),
        email: email.map(str::to_owned),
        attributes: Attributes::new(),
        touched: false,
    }
}

fn book(entries: Vec<Entry>) -> ContactBook {
    let mut book = ContactBook::empty();
    for entry in entries {
        book.add(entry);
    }
    book
}

fn plan(value: &str) -> Attributes {
    Attributes::from([("plan".to_owned(), AttributeValue::String(value.into()))])
}

#[test]
fn given_attributes_win_and_others_stay() {
    let mut book = book(vec![stored(1, Some("c1"), None)]);
    book.entries[0].attributes = Attributes::from([
        ("plan".to_owned(), AttributeValue::String("free".into())),
        ("seats".to_owned(), AttributeValue::Number(3.0)),
    ]);
    let index = book.apply(Who::ExternalId("c1", None), &plan("pro"));
    assert_eq!(index, 0);
    assert_eq!(
        book.attributes(0)["plan"],
        AttributeValue::String("pro".into())
    );
    assert_eq!(book.attributes(0)["seats"], AttributeValue::Number(3.0));
    assert!(book.entries[0].touched);
    assert_eq!(book.changes().ids, [1]);
}

#[test]
fn the_same_attributes_change_nothing() {
    let mut book = book(vec![stored(1, Some("c1"), None)]);
    book.entries[0].attributes = plan("pro");
    book.apply(Who::ExternalId("c1", None), &plan("pro"));
    assert!(!book.entries[0].touched);
    // Nor does a change back to what is stored.
    book.apply(Who::ExternalId("c1", None), &plan("free"));
    book.apply(Who::ExternalId("c1", None), &Attributes::new());
    book.entries[0].stored.as_mut().unwrap().json = attributes_to_json(&plan("free"));
    assert!(book.changes().ids.is_empty());
}

#[test]
fn an_email_is_filled_in_only_when_free() {
    let mut book = book(vec![
        stored(1, Some("c1"), None),
        stored(2, Some("c2"), None),
        stored(3, None, Some("taken@example.com")),
    ]);
    book.apply(
        Who::ExternalId("c1", Some("taken@example.com")),
        &Attributes::new(),
    );
    assert_eq!(book.entries[0].email, None);
    book.apply(
        Who::ExternalId("c2", Some("free@example.com")),
        &Attributes::new(),
    );
    assert_eq!(book.entries[1].email.as_deref(), Some("free@example.com"));
}

#[test]
fn an_email_only_contact_adopts_an_external_id_once() {
    let mut book = book(vec![stored(1, None, Some("a@example.com"))]);
    let first = book.apply(
        Who::ExternalId("c1", Some("a@example.com")),
        &Attributes::new(),
    );
    assert_eq!(first, 0);
    assert_eq!(book.entries[0].external_id.as_deref(), Some("c1"));
    let second = book.apply(
        Who::ExternalId("c2", Some("a@example.com")),
        &Attributes::new(),
    );
    assert_eq!(second, 1);
    assert_eq!(book.entries[1].email, None);
    assert!(book.entries[1].stored.is_none());
    assert_eq!(book.new_entries(), [1]);
    let third = book.apply(Who::Email("a@example.com"), &Attributes::new());
    assert_eq!(third, 0);
}

#[test]
fn keys_without_parts_name_nobody() {
    let empty = ContactKey {
        external_id: Some(String::new()),
        email: None,
    };
    assert!(Who::of(&empty).is_none());
}
