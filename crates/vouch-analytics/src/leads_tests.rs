use std::collections::BTreeMap;

use vouch_core::{AttributeKind, AttributeValue, SurveyKind};
use vouch_store::{StoredResponse, SurveyId};

use super::*;
use crate::test_rows::{answer, index_of};

fn uniform(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// Contacts drawn from a known model: log-odds = −0.5 + 1.5·[enterprise] + 0.02·(seats − 50),
/// region without effect. Each contact first answered 0, then (its latest answer) 10 or 3.
fn synthetic(contacts: i64) -> Vec<StoredResponse> {
    let mut state = 11;
    let mut answers = Vec::new();
    for contact in 1..=contacts {
        let enterprise = uniform(&mut state) < 0.4;
        let seats = (uniform(&mut state) * 100.0).round();
        let region = ["eu", "na", "apac"][(uniform(&mut state) * 3.0) as usize];
        let z = -0.5 + if enterprise { 1.5 } else { 0.0 } + 0.02 * (seats - 50.0);
        let promoter = uniform(&mut state) < sigmoid(z);
        let plan = if enterprise { "enterprise" } else { "free" };
        let seats = seats.to_string();
        let attributes = [
            ("plan", plan),
            ("seats", seats.as_str()),
            ("region", region),
        ];
        answers.push(answer(2 * contact, contact, 0, "2025-06-01", &attributes));
        let score = if promoter { 10 } else { 3 };
        answers.push(answer(
            2 * contact + 1,
            contact,
            score,
            "2026-01-01",
            &attributes,
        ));
    }
    answers
}

fn lead(plan: &str, seats: f64) -> BTreeMap<String, AttributeValue> {
    BTreeMap::from([
        ("plan".to_owned(), AttributeValue::String(plan.into())),
        ("seats".to_owned(), AttributeValue::Number(seats)),
        ("unknown".to_owned(), AttributeValue::Boolean(true)),
    ])
}

fn today() -> Date {
    Date::constant(2026, 2, 1)
}

fn effect(factors: &[Factor], attribute: &str, value: &str) -> f64 {
    factors
        .iter()
        .find(|factor| factor.attribute == attribute && factor.value.starts_with(value))
        .unwrap_or_else(|| panic!("no factor {attribute}={value} in {factors:?}"))
        .effect
}

#[test]
fn recovers_the_signs_of_a_known_model_and_ranks_well() {
    let index = index_of(&synthetic(3_000));
    let trained = train(&index, &Query::default()).expect("a model");
    assert_eq!(trained.contacts, 3_000);
    let factors = trained.model.factors();
    assert!(effect(&factors, "plan", "enterprise") > 0.4, "{factors:?}");
    assert!(effect(&factors, "plan", "free") < -0.3, "{factors:?}");
    // seats: +0.02 per seat, sd ≈ 29 → ≈ 0.58 per sd.
    let per_sd = effect(&factors, "seats", "+1 sd");
    assert!((per_sd - 0.58).abs() < 0.15, "{factors:?}");
    assert!(effect(&factors, "region", "eu").abs() < 0.2, "{factors:?}");
    // The true model's AUC is about 0.73; a Brier score well under the base rate's.
    assert!(trained.auc > 0.68 && trained.auc < 0.8, "{}", trained.auc);
    let base = trained.promoters as f64 / trained.contacts as f64;
    assert!(
        trained.brier < base * (1.0 - base) - 0.02,
        "{}",
        trained.brier
    );
}

#[test]
fn probabilities_are_calibrated() {
    let index = index_of(&synthetic(3_000));
    let model = train(&index, &Query::default()).expect("a model").model;
    // Against the true probabilities of the generating model.
    for (plan, seats) in [("enterprise", 90.0), ("free", 10.0), ("free", 60.0)] {
        let truth =
            sigmoid(-0.5 + if plan == "enterprise" { 1.5 } else { 0.0 } + 0.02 * (seats - 50.0));
        let scored = model.score(&lead(plan, seats), today()).expect("a score");
        assert!(
            (scored.promoter_probability - truth).abs() < 0.07,
            "{plan} {seats}: {} vs {truth}",
            scored.promoter_probability
        );
    }
}

#[test]
fn a_leads_factors_carry_the_sign_of_its_values() {
    let index = index_of(&synthetic(2_000));
    let model = train(&index, &Query::default()).expect("a model").model;
    let good = model
        .score(&lead("enterprise", 95.0), today())
        .expect("a score");
    let poor = model.score(&lead("free", 2.0), today()).expect("a score");
    assert!(good.promoter_probability > 0.7 && poor.promoter_probability < 0.3);
    assert_eq!(good.factors.len(), LEAD_FACTORS);
    assert_eq!(good.factors[0].attribute, "plan");
    assert_eq!(good.factors[0].value, "enterprise");
    assert!(effect(&good.factors, "plan", "enterprise") > 0.0);
    assert!(effect(&good.factors, "seats", "95") > 0.0);
    assert!(effect(&poor.factors, "plan", "free") < 0.0);
    assert!(effect(&poor.factors, "seats", "2") < 0.0);
    let sizes: Vec<f64> = good.factors.iter().map(|f| f.effect.abs()).collect();
    assert!(sizes.windows(2).all(|pair| pair[0] >= pair[1]), "{sizes:?}");
    // No value at all: counted as missing, which no training contact was.
    let bare = model.score(&BTreeMap::new(), today()).expect("a score");
    assert!(bare.factors.iter().all(|f| f.value == "(missing)"));
}

#[test]
fn folds_are_fixed_and_even_and_training_is_reproducible() {
    assert_eq!(
        (1..=8).map(fold_of).collect::<Vec<_>>(),
        (1..=8).map(fold_of).collect::<Vec<_>>()
    );
    let mut sizes = [0u32; FOLDS as usize];
    for contact in 0..10_000 {
        sizes[fold_of(contact) as usize] += 1;
    }
    assert!(
        sizes.iter().all(|&size| (1_850..2_150).contains(&size)),
        "{sizes:?}"
    );
    let index = index_of(&synthetic(500));
    let first = train(&index, &Query::default()).expect("a model");
    let second = train(&index, &Query::default()).expect("a model");
    assert_eq!(first, second);
}

#[test]
fn a_saved_model_reads_back_and_scores_the_same() {
    let index = index_of(&synthetic(500));
    let trained = train(&index, &Query::default()).expect("a model");
    let back = TrainedModel::from_parts(trained.to_parts()).expect("the same model");
    assert_eq!(back, trained);
    let kinds = back.model.attribute_kinds();
    assert_eq!(
        kinds,
        [
            ("plan", AttributeKind::String),
            ("region", AttributeKind::String),
            ("seats", AttributeKind::Number)
        ]
    );
    let mut parts = trained.to_parts();
    parts.attributes[2].scale = 0.0;
    assert!(matches!(
        TrainedModel::from_parts(parts),
        Err(LeadError::BadParts(_))
    ));
    let mut parts = trained.to_parts();
    parts.calibration[3].observed = 1.5;
    assert!(matches!(
        TrainedModel::from_parts(parts),
        Err(LeadError::BadParts(_))
    ));
    let mut parts = trained.to_parts();
    parts.attributes[0].weights.pop();
    assert!(matches!(
        TrainedModel::from_parts(parts),
        Err(LeadError::BadParts(_))
    ));
}

#[test]
fn too_little_to_learn_from_is_an_error_that_says_why() {
    let few = index_of(&synthetic(20));
    assert_eq!(
        train(&few, &Query::default()),
        Err(LeadError::TooFewContacts {
            contacts: 20,
            needed: MIN_CONTACTS
        })
    );
    let detractors: Vec<StoredResponse> = (1..=60)
        .map(|contact| {
            let score = if contact <= 3 { 9 } else { 2 };
            answer(contact, contact, score, "2026-01-01", &[("plan", "pro")])
        })
        .collect();
    let error = train(&index_of(&detractors), &Query::default()).expect_err("too few promoters");
    assert_eq!(
        error,
        LeadError::TooFewPerOutcome {
            contacts: 60,
            promoters: 3,
            needed: MIN_PER_OUTCOME
        }
    );
    assert!(error.to_string().contains("3 promoters of 60"));
    let bare: Vec<StoredResponse> = (1..=60)
        .map(|contact| {
            answer(
                contact,
                contact,
                if contact % 2 == 0 { 10 } else { 1 },
                "2026-01-01",
                &[],
            )
        })
        .collect();
    assert_eq!(
        train(&index_of(&bare), &Query::default()),
        Err(LeadError::NoAttributes)
    );
    let mut enps = index_of(&synthetic(100));
    enps.define_survey(SurveyId(1), SurveyKind::Enps);
    assert_eq!(train(&enps, &Query::default()), Err(LeadError::Anonymous));
}

#[test]
fn a_value_of_the_wrong_kind_names_the_attribute() {
    let index = index_of(&synthetic(300));
    let model = train(&index, &Query::default()).expect("a model").model;
    let mut wrong = lead("free", 3.0);
    wrong.insert("seats".into(), AttributeValue::String("abc".into()));
    let error = model.score(&wrong, today()).expect_err("not a number");
    assert_eq!(
        error.to_string(),
        "attribute \"seats\" holds number values, not \"abc\""
    );
    // A text attribute given a number reads it as text.
    let mut numeric_plan = lead("free", 3.0);
    numeric_plan.insert("plan".into(), AttributeValue::Number(7.0));
    assert!(model.score(&numeric_plan, today()).is_ok());
}

#[test]
fn the_calibration_table_holds_every_contact_in_deciles_that_rise() {
    let index = index_of(&synthetic(2_000));
    let trained = train(&index, &Query::default()).expect("a model");
    let bins = &trained.calibration;
    assert_eq!(bins.len(), CALIBRATION_BINS);
    assert_eq!(
        bins.iter().map(|bin| bin.rows).sum::<u64>(),
        trained.contacts
    );
    assert!(
        bins.windows(2)
            .all(|pair| pair[0].predicted <= pair[1].predicted)
    );
    let promoters: f64 = bins.iter().map(|bin| bin.observed * bin.rows as f64).sum();
    assert!((promoters - trained.promoters as f64).abs() < 1e-6);
    // Drawn from a logistic model, the top decile is far more often promoters than the bottom.
    assert!(bins[9].observed > bins[0].observed + 0.3, "{bins:?}");
}

#[test]
fn a_model_saved_as_json_reads_back_whole() {
    let index = index_of(&synthetic(800));
    let trained = train(&index, &Query::default()).expect("a model");
    let json = crate::leads_saved::to_json(&trained);
    let back = crate::leads_saved::from_json(&json).expect("reads back");
    assert_eq!(back, trained);
    for broken in [
        "{}",
        "not json",
        &json.replace("\"format\":1", "\"format\":2"),
        &json.replace("\"kind\":\"number\"", "\"kind\":\"colour\""),
    ] {
        assert!(
            matches!(
                crate::leads_saved::from_json(broken),
                Err(LeadError::BadParts(_))
            ),
            "{broken}"
        );
    }
}
