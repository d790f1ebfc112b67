use super::*;
use survey::questionnaire::QuestionKind;

fn opened() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let connection = crate::store::open(dir.path()).unwrap();
    (dir, connection)
}

/// The shipped version 1 as `version`, changed by `change`, as a file's text.
fn version(version: u32, change: impl FnOnce(&mut Questionnaire)) -> String {
    let mut q = survey::shipped::shared_questionnaire().unwrap();
    q.version = version;
    change(&mut q);
    serde_json::to_string_pretty(&q).unwrap()
}

fn relabel_rent(q: &mut Questionnaire) {
    let tenure = q
        .sections
        .iter_mut()
        .flat_map(|s| s.questions.iter_mut())
        .find(|question| question.code.0 == "TENURE")
        .unwrap();
    let QuestionKind::SingleChoice { options } = &mut tenure.kind else {
        panic!("TENURE is single choice");
    };
    let rent = options.iter_mut().find(|o| o.code == 4).unwrap();
    rent.label
        .0
        .insert(survey::LanguageCode("tr".into()), "Kiracıyız".into());
}

#[test]
fn a_new_database_holds_the_shipped_version_as_current_and_keeps_it_once() {
    let (dir, connection) = opened();
    let (row, json) = current(&connection).unwrap().unwrap();
    assert_eq!((row.id.as_str(), row.version), ("doorstep-qol", 1));
    assert_eq!(row.state, State::Published);
    assert_eq!(json, survey::shipped::SHARED_V1_JSON);
    assert_eq!(row.hash, hash_of(survey::shipped::SHARED_V1_JSON));
    drop(connection);
    let connection = crate::store::open(dir.path()).unwrap();
    assert_eq!(list(&connection).unwrap().len(), 1);
    assert_eq!(accepted(&connection).unwrap().len(), 1);
}

#[test]
fn a_draft_is_checked_listed_and_published_as_the_current_version() {
    let (_dir, mut connection) = opened();
    let key = accepted_key(&connection).unwrap();
    let (questionnaire, changes) = add(&mut connection, &version(2, |_| {})).unwrap();
    assert_eq!(questionnaire.version, 2);
    assert_eq!((changes.from, changes.to), (Some(1), 2));
    // A draft is neither offered nor accepted.
    assert_eq!(current(&connection).unwrap().unwrap().0.version, 1);
    assert_eq!(accepted(&connection).unwrap().len(), 1);
    assert_eq!(accepted_key(&connection).unwrap(), key);
    publish(&mut connection, 2, false).unwrap();
    assert_eq!(current(&connection).unwrap().unwrap().0.version, 2);
    let accepted: Vec<u32> = accepted(&connection)
        .unwrap()
        .iter()
        .map(|q| q.version)
        .collect();
    assert_eq!(accepted, vec![2, 1], "newest first");
    assert_ne!(accepted_key(&connection).unwrap(), key);
}

#[test]
fn an_invalid_file_and_a_broken_rule_are_refused_with_every_problem_named() {
    let (_dir, mut connection) = opened();
    let error = add(&mut connection, "{ not json").unwrap_err();
    assert!(matches!(error, VersionError::Invalid(_)), "{error}");
    let kind_changed = version(2, |q| {
        let bedrooms = q
            .sections
            .iter_mut()
            .flat_map(|s| s.questions.iter_mut())
            .find(|question| question.code.0 == "BEDROOMS")
            .unwrap();
        bedrooms.kind = QuestionKind::Text {
            max_length: 20,
            long: false,
        };
    });
    let error = add(&mut connection, &kind_changed).unwrap_err();
    let said = error.to_string();
    assert!(
        said.contains("question BEDROOMS is text here but was number in version 1"),
        "{said}"
    );
    let error = add(&mut connection, &version(1, |_| {})).unwrap_err();
    assert!(
        error.to_string().contains("version 1 is already stored"),
        "{error}"
    );
    assert!(draft(&connection).unwrap().is_none(), "nothing stored");
}

#[test]
fn a_relabelled_option_is_published_only_once_confirmed() {
    let (_dir, mut connection) = opened();
    let (_, changes) = add(&mut connection, &version(2, relabel_rent)).unwrap();
    assert_eq!(changes.to_confirm().count(), 1);
    let error = publish(&mut connection, 2, false).unwrap_err();
    assert!(
        matches!(
            error,
            VersionError::NotConfirmed {
                version: 2,
                count: 1
            }
        ),
        "{error}"
    );
    assert_eq!(current(&connection).unwrap().unwrap().0.version, 1);
    publish(&mut connection, 2, true).unwrap();
    assert_eq!(current(&connection).unwrap().unwrap().0.version, 2);
}

#[test]
fn a_new_draft_replaces_the_old_and_only_a_draft_is_published() {
    let (_dir, mut connection) = opened();
    add(&mut connection, &version(2, |_| {})).unwrap();
    add(&mut connection, &version(3, |_| {})).unwrap();
    let drafts: Vec<u32> = list(&connection)
        .unwrap()
        .iter()
        .filter(|row| row.state == State::Draft)
        .map(|row| row.version)
        .collect();
    assert_eq!(drafts, vec![3]);
    assert!(matches!(
        publish(&mut connection, 2, false),
        Err(VersionError::NoDraft(2))
    ));
    assert!(matches!(
        publish(&mut connection, 1, false),
        Err(VersionError::NoDraft(1))
    ));
    assert!(discard_draft(&connection).unwrap());
    assert!(draft(&connection).unwrap().is_none());
}

#[test]
fn closing_keeps_a_version_accepted_but_not_current_and_never_the_last() {
    let (_dir, mut connection) = opened();
    assert!(matches!(
        close(&mut connection, 1),
        Err(VersionError::LastPublished(1))
    ));
    add(&mut connection, &version(2, |_| {})).unwrap();
    publish(&mut connection, 2, false).unwrap();
    close(&mut connection, 1).unwrap();
    assert_eq!(current(&connection).unwrap().unwrap().0.version, 2);
    assert_eq!(accepted(&connection).unwrap().len(), 2, "v1 still accepted");
    assert!(matches!(
        close(&mut connection, 1),
        Err(VersionError::NotPublished(1))
    ));
    assert!(matches!(
        close(&mut connection, 2),
        Err(VersionError::LastPublished(2))
    ));
    // A closed version is still checked against: its removed codes, its kinds.
    let error = add(&mut connection, &version(2, |_| {})).unwrap_err();
    assert!(
        error.to_string().contains("version 2 is already stored"),
        "{error}"
    );
}

#[test]
fn a_published_version_is_never_changed_or_deleted_even_by_hand() {
    let (_dir, connection) = opened();
    let changed = connection.execute(
        "UPDATE questionnaire_versions SET json = '{}' WHERE version = 1",
        [],
    );
    assert!(changed.unwrap_err().to_string().contains("never changed"));
    let deleted = connection.execute("DELETE FROM questionnaire_versions", []);
    assert!(deleted.unwrap_err().to_string().contains("never deleted"));
    let back = connection.execute(
        "UPDATE questionnaire_versions SET state = 'draft' WHERE version = 1",
        [],
    );
    assert!(back.unwrap_err().to_string().contains("only goes"));
}
