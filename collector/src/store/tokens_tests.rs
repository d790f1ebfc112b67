use super::*;
use crate::store::intake::{self, Intake, Source};

fn agencies() -> Vec<String> {
    vec!["hackney-council".into(), "hackney-cvs".into()]
}

fn council() -> Scope {
    Scope::Agency("hackney-council".into())
}

fn cvs() -> Scope {
    Scope::Agency("hackney-cvs".into())
}

#[test]
fn a_token_is_shown_once_and_stored_only_as_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let connection = crate::store::open(dir.path()).unwrap();
    let (id, token) = add(&connection, &Scope::All, "hackney-cvs", &agencies()).unwrap();
    assert!(token.starts_with("dst_") && token.len() == 68, "{token}");
    let stored: String = connection
        .query_row("SELECT hash FROM tokens WHERE id = ?1", [id.0], |r| {
            r.get(0)
        })
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, hash(&token));
    assert_eq!(
        holder_of(&connection, &token).unwrap(),
        Some((id, "hackney-cvs".to_owned()))
    );
    assert_eq!(holder_of(&connection, "dst_guess").unwrap(), None);
    let listed = list_for(&connection, &Scope::All).unwrap();
    assert_eq!(listed[0].prefix, &token[..12]);
    assert!(!listed
        .iter()
        .any(|info| format!("{info:?}").contains(&token)));
    let made = listed[0].created.0;
    let now = crate::store::accounts::now().0;
    assert!(now - made < 60_000 && made <= now, "made {made}, now {now}");
    assert_eq!(
        (listed[0].last_used, listed[0].revoked, listed[0].responses),
        (None, None, 0)
    );
}

#[test]
fn a_revoked_token_no_longer_uploads_and_stays_listed() {
    let dir = tempfile::tempdir().unwrap();
    let connection = crate::store::open(dir.path()).unwrap();
    let (id, token) = add(&connection, &Scope::All, "hackney-council", &agencies()).unwrap();
    assert_eq!(
        revoke_in(&connection, &council(), id).unwrap(),
        Revoked {
            agency: "hackney-council".into(),
            prefix: token[..12].to_owned()
        }
    );
    assert_eq!(holder_of(&connection, &token).unwrap(), None);
    let listed = list_for(&connection, &Scope::All).unwrap();
    assert_eq!(listed[0].id, id, "a revoked token stays listed");
    let revoked = listed[0].revoked.expect("revoked");
    // Revoking again keeps the first time.
    revoke_in(&connection, &Scope::All, id).unwrap();
    assert_eq!(
        list_for(&connection, &Scope::All).unwrap()[0].revoked,
        Some(revoked)
    );
    assert!(matches!(
        revoke_in(&connection, &Scope::All, TokenId(99)),
        Err(TokenError::NoSuchToken(TokenId(99)))
    ));
}

#[test]
fn a_coordinator_lists_makes_and_revokes_only_its_own_agencys_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let connection = crate::store::open(dir.path()).unwrap();
    let (theirs, token) = add(&connection, &council(), "hackney-council", &agencies()).unwrap();
    let (ours, _) = add(&connection, &cvs(), "hackney-cvs", &agencies()).unwrap();
    // Another agency's token: refused by number, and still current.
    let error = revoke_in(&connection, &cvs(), theirs).unwrap_err();
    assert!(
        matches!(error, TokenError::NotYours(id) if id == theirs),
        "{error}"
    );
    assert!(!error.to_string().contains("hackney-council"), "{error}");
    assert!(holder_of(&connection, &token).unwrap().is_some());
    // Nor can it make one for another agency.
    let error = add(&connection, &cvs(), "hackney-council", &agencies()).unwrap_err();
    assert!(matches!(error, TokenError::OtherAgency(_)), "{error}");
    // A coordinator without an agency reaches nothing.
    let nobody = Scope::Agency(String::new());
    assert!(list_for(&connection, &nobody).unwrap().is_empty());
    assert!(matches!(
        revoke_in(&connection, &nobody, ours),
        Err(TokenError::NotYours(_))
    ));
    let ids = |scope: &Scope| -> Vec<TokenId> {
        list_for(&connection, scope)
            .unwrap()
            .into_iter()
            .map(|info| info.id)
            .collect()
    };
    assert_eq!(ids(&cvs()), [ours]);
    assert_eq!(ids(&council()), [theirs]);
    assert_eq!(ids(&Scope::All), [theirs, ours]);
    assert_eq!(list_for(&connection, &Scope::All).unwrap().len(), 2);
}

#[test]
fn only_the_questionnaires_agencies_get_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let connection = crate::store::open(dir.path()).unwrap();
    let error = add(&connection, &Scope::All, "someone", &agencies()).unwrap_err();
    assert!(
        error.to_string().contains("hackney-council, hackney-cvs"),
        "{error}"
    );
}

#[test]
fn an_upload_sets_its_tokens_last_use_and_counts_its_responses_and_an_import_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let intake = Intake::open(dir.path()).unwrap();
    let q = survey::shipped::shared_questionnaire().unwrap();
    let (first, second) = intake
        .with_database(|connection| {
            let known: Vec<String> = q.agencies.iter().map(|a| a.code.clone()).collect();
            let first = add(connection, &Scope::All, "hackney-cvs", &known).unwrap();
            let second = add(connection, &Scope::All, "hackney-cvs", &known).unwrap();
            (first, second)
        })
        .unwrap();
    let batch = |seed, range| survey::sample::batch(&q, seed, range).unwrap();
    let before = crate::store::accounts::now();
    let receipt = intake
        .take_in(&first.1, batch(1, 0..5).to_json().unwrap().as_bytes())
        .unwrap();
    assert_eq!(receipt.accepted, 5);
    // Overlapping: 3 new, 2 already stored (counted for the token that brought them).
    let receipt = intake
        .take_in(&second.1, batch(2, 3..8).to_json().unwrap().as_bytes())
        .unwrap();
    assert_eq!((receipt.accepted, receipt.already_present), (3, 2));
    // The first batch again from the second token: nothing new, but a use.
    intake
        .take_in(&second.1, batch(1, 0..5).to_json().unwrap().as_bytes())
        .unwrap();
    let listed = intake
        .with_database(|connection| {
            intake::store(connection, &batch(3, 8..12), Source::Import).unwrap();
            // The count the list gives is the responses stored from each token's batches.
            let counted: Vec<(i64, i64)> = connection
                .prepare(
                    "SELECT b.token, count(*) FROM responses r JOIN batches b ON b.id = r.batch
                     WHERE b.token IS NOT NULL GROUP BY b.token ORDER BY b.token",
                )
                .unwrap()
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(counted, [(first.0 .0, 5), (second.0 .0, 3)]);
            list_for(connection, &Scope::All).unwrap()
        })
        .unwrap();
    let after = crate::store::accounts::now();
    assert_eq!((listed[0].responses, listed[1].responses), (5, 3));
    for info in &listed {
        let used = info.last_used.expect("used");
        assert!(before <= used && used <= after, "{used:?}");
    }
    // A refused upload (another agency's batch) is no use.
    let (third, token) = intake
        .with_database(|connection| {
            add(connection, &Scope::All, "hackney-council", &agencies()).unwrap()
        })
        .unwrap();
    assert!(intake
        .take_in(&token, batch(4, 12..13).to_json().unwrap().as_bytes())
        .is_err());
    let listed = intake
        .with_database(|connection| list_for(connection, &Scope::All).unwrap())
        .unwrap();
    assert_eq!(listed[2].id, third);
    assert_eq!((listed[2].last_used, listed[2].responses), (None, 0));
}
