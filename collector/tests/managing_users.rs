//! `collector user add/list/disable/password-link` through the real binary: what an
//! admin setting up the console sees, and the one-line errors when something is wrong.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use collector::store::accounts;
use common::error_line;

fn user(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collector"))
        .arg("user")
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::null())
        .output()
        .expect("run collector")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The secret of the one link printed as `<base>/console/set-password#<secret>`.
fn link_secret(stdout: &str, base: &str) -> String {
    let line = stdout.trim();
    let prefix = format!("{base}/console/set-password#");
    let secret = line
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{line}"));
    assert_eq!(secret.len(), 64, "{secret}");
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()), "{secret}");
    secret.to_owned()
}

fn list(data_dir: &Path) -> String {
    stdout(&user(data_dir, &["list"]))
}

fn line_of<'a>(listing: &'a str, email: &str) -> &'a str {
    listing
        .lines()
        .find(|line| line.starts_with(email))
        .unwrap_or_else(|| panic!("{email} not in {listing}"))
}

#[test]
fn an_admin_adds_lists_disables_and_relinks_users() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(list(data).contains("no users"));

    let added = user(
        data,
        &["add", "--email", "Admin@Example.org", "--role", "admin"],
    );
    let admin_link = link_secret(&stdout(&added), "http://127.0.0.1:8080");
    let said = String::from_utf8_lossy(&added.stderr);
    assert!(
        said.contains("works once") && said.contains("24 hours"),
        "{said}"
    );
    let added = user(
        data,
        &[
            "add",
            "--email",
            "ann@example.org",
            "--role",
            "coordinator",
            "--agency",
            "hackney-cvs",
            "--base-url",
            "https://survey.example.org/",
        ],
    );
    let ann_link = link_secret(&stdout(&added), "https://survey.example.org");

    let listing = list(data);
    let admin = line_of(&listing, "admin@example.org");
    assert!(
        admin.contains("admin") && admin.ends_with("no password yet"),
        "{admin}"
    );
    let ann = line_of(&listing, "ann@example.org");
    assert!(
        ann.contains("coordinator") && ann.contains("hackney-cvs"),
        "{ann}"
    );

    // The links work (the console will call this); listed as active then.
    let connection = collector::store::open(data).unwrap();
    let now = accounts::now();
    accounts::set_password(&connection, &admin_link, "a long admin password", now).unwrap();
    drop(connection);
    assert!(line_of(&list(data), "admin@example.org").ends_with("active"));

    // A forgotten password: a new link, and the old one stops working.
    let relinked = user(data, &["password-link", "--email", "ann@example.org"]);
    let new_link = link_secret(&stdout(&relinked), "http://127.0.0.1:8080");
    let connection = collector::store::open(data).unwrap();
    assert!(accounts::set_password(&connection, &ann_link, "ann's long password", now).is_err());
    accounts::set_password(&connection, &new_link, "ann's long password", now).unwrap();
    drop(connection);

    let disabled = stdout(&user(data, &["disable", "--email", "ANN@example.org"]));
    assert!(disabled.contains("disabled"), "{disabled}");
    assert!(line_of(&list(data), "ann@example.org").ends_with("disabled"));
    let connection = collector::store::open(data).unwrap();
    assert!(accounts::log_in(&connection, "ann@example.org", "ann's long password", now).is_err());
}

#[test]
fn what_is_wrong_is_said_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    stdout(&user(
        data,
        &["add", "--email", "a@example.org", "--role", "admin"],
    ));
    for (args, says) in [
        (
            &[
                "add",
                "--email",
                "b@example.org",
                "--role",
                "coordinator",
                "--agency",
                "acme",
            ][..],
            "unknown agency \"acme\"; the agencies are: ",
        ),
        (
            &["add", "--email", "b@example.org", "--role", "coordinator"][..],
            "a coordinator belongs to one agency: give --agency",
        ),
        (
            &[
                "add",
                "--email",
                "b@example.org",
                "--role",
                "admin",
                "--agency",
                "hackney-cvs",
            ][..],
            "an admin sees every agency and belongs to none",
        ),
        (
            &["add", "--email", "A@EXAMPLE.org", "--role", "admin"][..],
            "there is already a user with the email a@example.org",
        ),
        (
            &["add", "--email", "b.example.org", "--role", "admin"][..],
            "\"b.example.org\" is not an email address: it has no @",
        ),
        (
            &["disable", "--email", "nobody@example.org"][..],
            "no user with the email nobody@example.org",
        ),
        (
            &["password-link", "--email", "nobody@example.org"][..],
            "no user with the email nobody@example.org",
        ),
    ] {
        let line = error_line(&user(data, args));
        assert!(line.contains(says), "{args:?}: {line}");
    }
    // clap refuses what it parses, with its own message.
    let bad_url = user(
        data,
        &[
            "password-link",
            "--email",
            "a@example.org",
            "--base-url",
            "example.org",
        ],
    );
    assert!(!bad_url.status.success());
    assert!(String::from_utf8_lossy(&bad_url.stderr).contains("is not an address like"));
    assert_eq!(list(data).lines().count(), 2, "the header and one user");
}
