//! Every account rule, with the clock moved by hand.

use rusqlite::Connection;
use survey::record::Timestamp;

use super::passwords::{check_strength, WeakPassword};
use super::*;

const PASSWORD: &str = "correct horse battery";
const T0: Timestamp = Timestamp(1_780_000_000_000);

fn at(time: Timestamp, plus: Duration) -> Timestamp {
    Timestamp(after(time, plus))
}

fn agencies() -> Vec<String> {
    vec!["hackney-council".into(), "hackney-cvs".into()]
}

fn database() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let connection = crate::store::open(dir.path()).unwrap();
    (dir, connection)
}

/// A coordinator with [`PASSWORD`] set; returns their number.
fn coordinator(connection: &Connection, email: &str) -> UserId {
    let (id, link) = add_user(
        connection,
        email,
        Role::Coordinator,
        Some("hackney-cvs"),
        &agencies(),
        T0,
    )
    .unwrap();
    assert_eq!(
        set_password(connection, link.expose(), PASSWORD, T0).unwrap(),
        id
    );
    id
}

fn state(connection: &Connection, now: Timestamp) -> UserState {
    list_users(connection, now).unwrap()[0].state
}

#[test]
fn a_user_sets_a_password_with_the_link_once_and_logs_in() {
    let (_dir, connection) = database();
    let (id, link) = add_user(
        &connection,
        " Ann@Example.ORG ",
        Role::Coordinator,
        Some("hackney-cvs"),
        &agencies(),
        T0,
    )
    .unwrap();
    assert_eq!(link.expose().len(), 64);
    assert_eq!(format!("{link:?}"), "Secret(…)", "Debug does not show it");
    assert_eq!(state(&connection, T0), UserState::NoPasswordYet);
    assert!(matches!(
        log_in(&connection, "ann@example.org", PASSWORD, T0),
        Err(LogInError::Refused)
    ));
    set_password(&connection, link.expose(), PASSWORD, T0).unwrap();
    assert_eq!(state(&connection, T0), UserState::Active);
    let again = set_password(&connection, link.expose(), "another good password", T0);
    assert!(
        matches!(again, Err(SetPasswordError::UsedLink)),
        "{again:?}"
    );
    // The email's letter case does not matter.
    let session = log_in(&connection, "ANN@example.org", PASSWORD, T0).unwrap();
    let user = super::session(&connection, session.id.expose(), T0)
        .unwrap()
        .unwrap();
    assert_eq!(user.user, id);
    assert_eq!(user.email, "ann@example.org");
    assert_eq!(user.role, Role::Coordinator);
    assert_eq!(user.agency.as_deref(), Some("hackney-cvs"));
    assert_eq!(user.csrf, session.csrf);
    assert!(user.csrf_matches(&session.csrf));
    assert!(!user.csrf_matches("guess"));
}

#[test]
fn roles_agencies_and_emails_are_checked() {
    let (_dir, connection) = database();
    let add =
        |email: &str, role, agency| add_user(&connection, email, role, agency, &agencies(), T0);
    let error = add("a@example.org", Role::Coordinator, Some("someone")).unwrap_err();
    assert!(matches!(error, AccountError::UnknownAgency { .. }));
    assert!(
        error.to_string().contains("hackney-council, hackney-cvs"),
        "{error}"
    );
    let error = add("a@example.org", Role::Coordinator, None).unwrap_err();
    assert!(matches!(
        error,
        AccountError::CoordinatorWithoutAgency { .. }
    ));
    let error = add("a@example.org", Role::Admin, Some("hackney-cvs")).unwrap_err();
    assert!(matches!(error, AccountError::AdminWithAgency));
    add("a@example.org", Role::Admin, None).unwrap();
    let error = add("A@Example.org", Role::Admin, None).unwrap_err();
    assert!(matches!(error, AccountError::EmailTaken(_)), "{error}");
    for (email, why) in [
        ("", "empty"),
        ("ann", "no @"),
        ("@example.org", "before the @"),
        ("ann@localhost", "domain"),
        ("ann@@example.org", "more than one @"),
        ("ann smith@example.org", "space"),
    ] {
        let error = add(email, Role::Admin, None).unwrap_err();
        assert!(
            matches!(error, AccountError::MalformedEmail { .. }),
            "{email}: {error}"
        );
        assert!(error.to_string().contains(why), "{email}: {error}");
    }
    assert_eq!(list_users(&connection, T0).unwrap().len(), 1);
}

#[test]
fn weak_passwords_are_refused_in_plain_words_and_leave_the_link_unused() {
    assert_eq!(check_strength("short"), Err(WeakPassword::TooShort(5)));
    assert_eq!(
        check_strength("ééééééééééé"),
        Err(WeakPassword::TooShort(11))
    );
    assert_eq!(
        check_strength("aaaaaaaaaaaaaaaa"),
        Err(WeakPassword::OneCharacter)
    );
    assert_eq!(
        check_strength(&"ab".repeat(600)),
        Err(WeakPassword::TooLong)
    );
    assert_eq!(check_strength("twelve chars"), Ok(()));
    assert!(WeakPassword::TooShort(5)
        .to_string()
        .contains("it has 5 characters and needs at least 12"));
    let (_dir, connection) = database();
    let (_, link) = add_user(&connection, "a@example.org", Role::Admin, None, &[], T0).unwrap();
    let error = set_password(&connection, link.expose(), "password", T0).unwrap_err();
    assert!(matches!(error, SetPasswordError::Weak(_)), "{error}");
    set_password(&connection, link.expose(), PASSWORD, T0).unwrap();
}

#[test]
fn a_link_expires_after_24_hours_and_a_new_one_replaces_it() {
    let (_dir, connection) = database();
    let (_, first) = add_user(&connection, "a@example.org", Role::Admin, None, &[], T0).unwrap();
    let late = at(T0, LINK_LIFETIME);
    let error = set_password(&connection, first.expose(), PASSWORD, late).unwrap_err();
    assert!(matches!(error, SetPasswordError::ExpiredLink), "{error}");
    assert!(error.to_string().contains("expired"));
    let (_, second) = password_link(&connection, "A@example.org", late).unwrap();
    let (_, third) = password_link(&connection, "a@example.org", late).unwrap();
    let error = set_password(&connection, second.expose(), PASSWORD, late).unwrap_err();
    assert!(
        matches!(error, SetPasswordError::UnknownLink),
        "replaced: {error}"
    );
    let just_in_time = Timestamp(after(late, LINK_LIFETIME) - 1);
    set_password(&connection, third.expose(), PASSWORD, just_in_time).unwrap();
    assert!(matches!(
        password_link(&connection, "b@example.org", late),
        Err(AccountError::NoSuchUser(_))
    ));
}

#[test]
fn five_wrong_passwords_lock_the_account_even_against_the_right_one_until_the_lock_ends() {
    let (_dir, connection) = database();
    coordinator(&connection, "a@example.org");
    for _ in 0..MAX_FAILED_LOG_INS - 1 {
        assert!(log_in(&connection, "a@example.org", "wrong password!", T0).is_err());
    }
    assert_eq!(
        state(&connection, T0),
        UserState::Active,
        "four are not enough"
    );
    assert!(log_in(&connection, "a@example.org", "wrong password!", T0).is_err());
    let until = at(T0, LOCK_OUT);
    assert_eq!(state(&connection, T0), UserState::Locked { until });
    let almost = Timestamp(until.0 - 1);
    assert!(matches!(
        log_in(&connection, "a@example.org", PASSWORD, almost),
        Err(LogInError::Refused)
    ));
    log_in(&connection, "a@example.org", PASSWORD, until).unwrap();
    assert_eq!(state(&connection, until), UserState::Active);
}

#[test]
fn a_right_password_starts_the_count_of_wrong_ones_again() {
    let (_dir, connection) = database();
    coordinator(&connection, "a@example.org");
    for _ in 0..MAX_FAILED_LOG_INS - 1 {
        assert!(log_in(&connection, "a@example.org", "wrong password!", T0).is_err());
    }
    log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    for _ in 0..MAX_FAILED_LOG_INS - 1 {
        assert!(log_in(&connection, "a@example.org", "wrong password!", T0).is_err());
    }
    assert_eq!(state(&connection, T0), UserState::Active);
}

#[test]
fn a_wrong_email_and_a_wrong_password_get_the_same_answer() {
    let (_dir, connection) = database();
    coordinator(&connection, "a@example.org");
    let wrong_email = log_in(&connection, "b@example.org", PASSWORD, T0).unwrap_err();
    let wrong_password = log_in(&connection, "a@example.org", "not the password", T0).unwrap_err();
    let malformed = log_in(&connection, "not an email", PASSWORD, T0).unwrap_err();
    assert!(matches!(wrong_email, LogInError::Refused));
    assert!(matches!(wrong_password, LogInError::Refused));
    assert!(matches!(malformed, LogInError::Refused));
    assert_eq!(wrong_email.to_string(), wrong_password.to_string());
}

#[test]
fn a_session_ends_when_idle_and_when_too_old() {
    let (_dir, connection) = database();
    coordinator(&connection, "a@example.org");
    let id = log_in(&connection, "a@example.org", PASSWORD, T0)
        .unwrap()
        .id;
    let id = id.expose();
    // Seen every 29 minutes it lasts until the absolute limit, and not past it.
    let step = SESSION_IDLE - Duration::from_secs(60);
    let mut now = T0;
    while after(now, step) < after(T0, SESSION_ABSOLUTE) {
        now = at(now, step);
        assert!(
            super::session(&connection, id, now).unwrap().is_some(),
            "{now:?}"
        );
    }
    let absolute = at(T0, SESSION_ABSOLUTE);
    assert!(super::session(&connection, id, absolute).unwrap().is_none());
    // An ended session is gone for good.
    assert!(super::session(&connection, id, T0).unwrap().is_none());

    let id = log_in(&connection, "a@example.org", PASSWORD, T0)
        .unwrap()
        .id;
    let id = id.expose();
    let almost_idle = Timestamp(after(T0, SESSION_IDLE) - 1);
    assert!(super::session(&connection, id, almost_idle)
        .unwrap()
        .is_some());
    assert!(
        super::session(&connection, id, at(almost_idle, SESSION_IDLE))
            .unwrap()
            .is_none()
    );
    assert!(super::session(&connection, "0".repeat(64).as_str(), T0)
        .unwrap()
        .is_none());
}

#[test]
fn log_out_ends_one_session_and_log_out_everywhere_all() {
    let (_dir, connection) = database();
    let ann = coordinator(&connection, "a@example.org");
    coordinator(&connection, "b@example.org");
    let one = log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    let two = log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    let three = log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    let other = log_in(&connection, "b@example.org", PASSWORD, T0).unwrap();
    assert_ne!(one.csrf, two.csrf, "each session has its own CSRF token");
    assert_ne!(one.id, two.id);
    log_out(&connection, one.id.expose()).unwrap();
    assert!(super::session(&connection, one.id.expose(), T0)
        .unwrap()
        .is_none());
    assert!(super::session(&connection, two.id.expose(), T0)
        .unwrap()
        .is_some());
    assert_eq!(log_out_everywhere(&connection, ann).unwrap(), 2);
    for session in [&two, &three] {
        assert!(super::session(&connection, session.id.expose(), T0)
            .unwrap()
            .is_none());
    }
    assert!(super::session(&connection, other.id.expose(), T0)
        .unwrap()
        .is_some());
}

#[test]
fn a_disabled_user_loses_their_sessions_and_cannot_log_in() {
    let (_dir, connection) = database();
    let ann = coordinator(&connection, "a@example.org");
    let session = log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    // Their session would be refused even if it had not been deleted.
    connection
        .execute("UPDATE users SET disabled = 1 WHERE id = ?1", [ann.0])
        .unwrap();
    assert!(super::session(&connection, session.id.expose(), T0)
        .unwrap()
        .is_none());
    connection
        .execute("UPDATE users SET disabled = 0 WHERE id = ?1", [ann.0])
        .unwrap();
    let session = log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    disable_user(&connection, ann).unwrap();
    let sessions: i64 = connection
        .query_row("SELECT count(*) FROM sessions", [], |row| row.get(0))
        .unwrap();
    assert_eq!(sessions, 0);
    assert!(super::session(&connection, session.id.expose(), T0)
        .unwrap()
        .is_none());
    assert!(matches!(
        log_in(&connection, "a@example.org", PASSWORD, T0),
        Err(LogInError::Refused)
    ));
    assert_eq!(state(&connection, T0), UserState::Disabled);
    assert!(matches!(
        password_link(&connection, "a@example.org", T0),
        Err(AccountError::NoSuchUser(_))
    ));
}

#[test]
fn a_new_role_applies_to_current_sessions() {
    let (_dir, connection) = database();
    let ann = coordinator(&connection, "a@example.org");
    let session = log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    assert!(matches!(
        set_role(
            &connection,
            ann,
            Role::Admin,
            Some("hackney-cvs"),
            &agencies()
        ),
        Err(AccountError::AdminWithAgency)
    ));
    set_role(&connection, ann, Role::Admin, None, &agencies()).unwrap();
    let user = super::session(&connection, session.id.expose(), T0)
        .unwrap()
        .unwrap();
    assert_eq!((user.role, user.agency), (Role::Admin, None));
}

#[test]
fn a_new_password_ends_every_session() {
    let (_dir, connection) = database();
    coordinator(&connection, "a@example.org");
    let session = log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    let (_, link) = password_link(&connection, "a@example.org", T0).unwrap();
    set_password(&connection, link.expose(), "a brand new password", T0).unwrap();
    assert!(super::session(&connection, session.id.expose(), T0)
        .unwrap()
        .is_none());
    assert!(log_in(&connection, "a@example.org", PASSWORD, T0).is_err());
    log_in(&connection, "a@example.org", "a brand new password", T0).unwrap();
}

#[test]
fn only_hashes_are_stored() {
    let (_dir, connection) = database();
    let (_, link) = add_user(&connection, "a@example.org", Role::Admin, None, &[], T0).unwrap();
    let unused_link = password_link(&connection, "a@example.org", T0).unwrap().1;
    set_password(&connection, unused_link.expose(), PASSWORD, T0).unwrap();
    let session = log_in(&connection, "a@example.org", PASSWORD, T0).unwrap();
    // Every column of every account table, as text and as hex.
    let mut stored = String::new();
    for table in ["users", "password_links", "sessions"] {
        let mut statement = connection
            .prepare(&format!("SELECT * FROM {table}"))
            .unwrap();
        let columns = statement.column_count();
        let mut rows = statement.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                let value = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    rusqlite::types::ValueRef::Blob(b) => hex(b),
                    other => format!("{other:?}"),
                };
                stored.push_str(&value);
                stored.push('\n');
            }
        }
    }
    for secret in [
        link.expose(),
        unused_link.expose(),
        session.id.expose(),
        PASSWORD,
    ] {
        assert!(!stored.contains(secret), "{secret} is stored");
    }
    assert!(stored.contains(&hex(&secret_hash(session.id.expose()))));
    let password: String = connection
        .query_row("SELECT password FROM users", [], |row| row.get(0))
        .unwrap();
    assert!(
        password.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{password}"
    );
}
