//! The inbox's download: the current view of one customer survey, in each format, with the
//! same filters as the list; nothing for eNPS or another workspace's survey.

use vouch_store::Role;

use super::seed::seeded;

#[tokio::test]
async fn the_inbox_downloads_its_filtered_view_of_one_survey() {
    let seeded = seeded().await;
    let member = seeded.browser("mia@acme.example", Role::Member, true).await;
    let nps = seeded.nps.id.0;

    let unchosen = member.get("/app/inbox").await;
    assert!(
        unchosen
            .text
            .contains("Choose a survey to download its answers.")
    );
    let chosen = member
        .get(&format!("/app/inbox?survey={nps}&where=plan%3Dpro"))
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text);
    let csv_link = format!("/app/inbox/export?survey={nps}&#38;where=plan%3Dpro&#38;format=csv");
    assert!(chosen.text.contains(&csv_link), "{}", chosen.text);
    assert!(chosen.text.contains("format=parquet"));

    let csv = member.get(&csv_link.replace("&#38;", "&")).await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let header = |name: &str| {
        csv.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"Customer-NPS.csv\""
    );
    let mut lines = csv.text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,survey,created_at,score,category,comment,channel,external_id,email,")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        120,
        "every pro answer, not one page of the list"
    );
    assert!(
        rows.iter()
            .all(|row| row.contains(",pro,") || row.ends_with(",pro"))
    );

    let found = member
        .get(&format!(
            "/app/inbox/export?survey={nps}&text=wizard&format=jsonl"
        ))
        .await;
    assert_eq!(found.text.lines().count(), 1, "{}", found.text);
    assert!(
        found
            .text
            .contains("\"email\":\"customer0@client.example\"")
    );
    let parquet = member
        .get(&format!(
            "/app/inbox/export?survey={nps}&status=open&format=parquet"
        ))
        .await;
    assert_eq!(parquet.status, 200);
    assert!(parquet.text.starts_with("PAR1"));

    let enps = seeded.enps.id.0;
    let anonymous = member.get(&format!("/app/inbox?survey={enps}")).await;
    assert!(
        anonymous
            .text
            .contains("exported whole, without identity, by vouch export")
    );
    let refused = member
        .get(&format!("/app/inbox/export?survey={enps}&format=csv"))
        .await;
    assert_eq!(refused.status, 400);
    assert!(!refused.text.contains("staff.example"));
    let other = seeded.other.id.0;
    assert_eq!(
        member
            .get(&format!("/app/inbox/export?survey={other}&format=csv"))
            .await
            .status,
        400
    );
    let bad = member
        .get(&format!("/app/inbox/export?survey={nps}&format=xml"))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("xml"), "{}", bad.text);
}
