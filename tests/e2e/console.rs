//! The partnership console in a real headless Chromium with the real collector: a first
//! admin sets a password from the link `collector user add` printed and logs in; a wrong
//! password is refused in words; five in a row lock the account; a form sent without its
//! CSRF token is refused; after log-out the old session cookie opens nothing; a
//! coordinator cannot open an admin's page. Every page passes axe-core at 1280, 800 and
//! 360 px, fits the screen, and is kept as a screenshot in `target/e2e/screenshots/`.

use doorstep_e2e::console::{add_user, check_page, import_sample, PASSWORD};
use doorstep_e2e::{collector_command, dist, Collector, Result, Scratch, Worker};

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_sets_a_password_logs_in_and_out_and_an_old_session_opens_nothing() -> Result<()> {
    let data = Scratch::new("console-log-in")?;
    let collector = Collector::start(&dist(), data.path())?;
    let link = add_user(data.path(), collector.origin(), "admin@example.org", None)?;
    let mut worker = Worker::launch("console-log-in").await?;

    // The link's code is filled in from the fragment, which leaves the address bar.
    worker.open(&link).await?;
    worker.see_heading("Set your password").await?;
    let secret = link.split('#').nth(1).unwrap_or_default().to_owned();
    worker
        .wait_until(
            "the code filled in from the link",
            &format!("document.getElementById('code').value === {secret:?}"),
        )
        .await?;
    let address = worker.run("return location.href;").await?;
    assert!(
        !address.as_str().unwrap_or_default().contains('#'),
        "{address}"
    );
    check_page(&worker, "set-password").await?;
    worker.fill("New password", "short").await?;
    worker.fill("The same password again", "short").await?;
    worker.submit("Set password").await?;
    worker.see_words("needs at least 12").await?;
    worker.fill("Code from your link", &secret).await?;
    worker.fill("New password", PASSWORD).await?;
    worker.fill("The same password again", PASSWORD).await?;
    worker.submit("Set password").await?;
    worker.see_heading("Your password is set").await?;
    worker.follow("Log in").await?;

    // A wrong password: refused in words, the email kept.
    worker
        .log_in("admin@example.org", "not the password at all")
        .await?;
    worker.see_words("wrong email or password").await?;
    check_page(&worker, "log-in-refused").await?;
    worker.log_in("admin@example.org", PASSWORD).await?;
    worker.see_heading("Doorstep console").await?;
    worker.see_words("admin@example.org · admin").await?;
    check_page(&worker, "start").await?;
    worker.follow("Users").await?;
    worker.see_heading("Users").await?;
    check_page(&worker, "users").await?;

    // Log out, then the kept cookie is refused: the session ended in the database.
    let session = worker
        .cookie("doorstep_session")
        .await?
        .ok_or("no session cookie after logging in")?;
    worker.submit("Log out").await?;
    worker.see_words("You are logged out.").await?;
    assert_eq!(worker.cookie("doorstep_session").await?, None);
    worker
        .put_cookie(collector.origin(), "doorstep_session", &session)
        .await?;
    worker.go("/console/users").await?;
    worker.see_heading("Log in").await?;
    worker.see_words("Your session has ended").await?;
    let (status, _) = worker.fetch_status("/console/users").await?;
    assert_eq!(
        status, 0,
        "a page without a session is sent to log in (an opaque redirect)"
    );
    worker.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_passwords_lock_the_account_and_a_form_without_its_token_is_refused(
) -> Result<()> {
    let data = Scratch::new("console-lock")?;
    let collector = Collector::start(&dist(), data.path())?;
    let admin = add_user(data.path(), collector.origin(), "admin@example.org", None)?;
    let coordinator = add_user(
        data.path(),
        collector.origin(),
        "coordinator@example.org",
        Some("hackney-council"),
    )?;
    let mut worker = Worker::launch("console-lock").await?;
    worker
        .log_in_first_time(&admin, "admin@example.org")
        .await?;
    worker.see_heading("Doorstep console").await?;
    worker.follow("Users").await?;
    worker.see_heading("Users").await?;

    // CSRF: the same form sent without its token, and with another, is refused and
    // adds nobody.
    for form in [
        "email=intruder%40example.org&role=admin&agency=",
        "email=intruder%40example.org&role=admin&agency=&csrf=0000",
    ] {
        let (status, text) = worker.post_form("/console/users", form).await?;
        assert_eq!(status, 403, "{text}");
        assert!(text.contains("security token"), "{text}");
    }
    let users = collector_command(data.path(), &["user", "list"])?;
    assert!(!users.contains("intruder"), "{users}");
    worker.submit("Log out").await?;

    // Five wrong passwords lock the coordinator's account: then even the right one is
    // refused, with the same words.
    let mut other = Worker::launch("console-lock-coordinator").await?;
    other
        .log_in_first_time(&coordinator, "coordinator@example.org")
        .await?;
    other
        .see_words("coordinator@example.org · coordinator, hackney-council")
        .await?;
    // A coordinator cannot open the admins' page, by its address either.
    let (status, text) = other.fetch_status("/console/users").await?;
    assert_eq!(status, 403, "{text}");
    other.submit("Log out").await?;
    for _ in 0..5 {
        other
            .log_in("coordinator@example.org", "a wrong guess here")
            .await?;
        other.see_words("wrong email or password").await?;
    }
    other.log_in("coordinator@example.org", PASSWORD).await?;
    other.see_words("wrong email or password").await?;
    let list = collector_command(data.path(), &["user", "list"])?;
    assert!(list.contains("locked until"), "{list}");
    other.close().await?;

    // Many failed tries from one address are slowed whatever the email.
    let mut refused_for_speed = false;
    worker.go("/console/log-in").await?;
    for n in 0..12 {
        worker
            .log_in(&format!("nobody{n}@example.org"), "a wrong guess here")
            .await?;
        let text = worker.page_text().await?;
        if text.contains("too many failed log-ins from this address") {
            refused_for_speed = true;
            break;
        }
        assert!(text.contains("wrong email or password"), "{text}");
    }
    assert!(
        refused_for_speed,
        "twelve failed log-ins from one address were all tried"
    );
    worker.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coordinator_reviews_reads_results_and_downloads_only_what_is_its_agencys() -> Result<()>
{
    let data = Scratch::new("console-review")?;
    // 30 responses of Hackney CVS's worker, 25 of the council's, in their sample wards.
    let own = import_sample(data.path(), "hackney-cvs", "W012", 1, 0, 30)?;
    let theirs = import_sample(data.path(), "hackney-council", "C077", 2, 30, 25)?;
    let collector = Collector::start(&dist(), data.path())?;
    let link = add_user(
        data.path(),
        collector.origin(),
        "cvs@example.org",
        Some("hackney-cvs"),
    )?;
    let mut worker = Worker::launch("console-review").await?;
    worker.log_in_first_time(&link, "cvs@example.org").await?;
    worker.see_heading("Doorstep console").await?;

    // Review: only the agency's own responses are listed.
    worker.follow("Review").await?;
    worker.see_heading("Review").await?;
    let text = worker.see_words("30 responses").await?;
    assert!(!text.contains("hackney-council"), "{text}");
    check_page(&worker, "review").await?;
    worker.go(&format!("/console/review/{}", own[0])).await?;
    worker
        .see_heading(&format!("Response {}", &own[0][..8]))
        .await?;
    check_page(&worker, "review-response").await?;
    // "Has issues" needs a comment: refused in words, then saved with one.
    worker.tick("has issues").await?;
    worker.submit("Save review").await?;
    worker.see_words("a comment is needed").await?;
    worker.tick("has issues").await?;
    worker
        .fill("Comment", "Ward looks wrong <b>check</b>")
        .await?;
    worker.submit("Save review").await?;
    let text = worker.see_words("Every change of its review").await?;
    assert!(
        text.contains("received\thas issues\tWard looks wrong <b>check</b>"),
        "{text}"
    );
    assert!(text.contains("cvs@example.org"), "{text}");
    worker.tick("approved").await?;
    worker.submit("Save review").await?;
    worker.see_words("has issues\tapproved").await?;
    // Another agency's response, by its address: refused, and its answers not shown.
    let (status, page) = worker
        .fetch_status(&format!("/console/review/{}", theirs[0]))
        .await?;
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("another agency"), "{page}");
    let (status, page) = worker
        .post_form(
            &format!("/console/review/{}", theirs[0]),
            "to=rejected&comment=not+mine",
        )
        .await?;
    assert_eq!(status, 403, "{page}");

    // Results: every agency's responses, partnership-wide, suppressed.
    worker.follow("Results").await?;
    worker.see_heading("Results").await?;
    worker.see_words("55 responses counted").await?;
    worker.see_words("Headline figures by ward").await?;
    check_page(&worker, "results").await?;
    let questionnaire = survey::shipped::shared_questionnaire()?;
    worker
        .pick(
            "Agency",
            &questionnaire
                .agencies
                .iter()
                .find(|a| a.code == "hackney-council")
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        )
        .await?;
    worker.pick("Ward", &questionnaire.areas[1].name).await?;
    worker.submit("Show").await?;
    worker.see_words("Fewer than 10 responses match").await?;

    // Downloads: the agency's own responses only; another agency's refused.
    worker.follow("Downloads").await?;
    worker.see_heading("Downloads").await?;
    check_page(&worker, "downloads").await?;
    let (status, csv) = worker
        .fetch_status("/console/downloads/responses.csv")
        .await?;
    assert_eq!(status, 200, "{csv}");
    for id in &own {
        assert!(csv.contains(id.as_str()), "{id} missing");
    }
    for id in &theirs {
        assert!(
            !csv.contains(id.as_str()),
            "another agency's {id} downloaded"
        );
    }
    let (status, page) = worker
        .fetch_status("/console/downloads/responses.csv?agency=hackney-council")
        .await?;
    assert_eq!(status, 403, "{page}");
    let (status, csv) = worker
        .fetch_status("/console/downloads/responses.csv?reviewed=approved")
        .await?;
    assert_eq!(status, 200, "{csv}");
    assert!(csv.contains(own[0].as_str()), "the approved one");
    assert!(!csv.contains(own[1].as_str()), "only the approved one");
    let (status, csv) = worker
        .fetch_status("/console/downloads/headlines.csv")
        .await?;
    assert_eq!(status, 200, "{csv}");
    assert!(csv.contains("indicator,question,ward,n,percent"), "{csv}");
    for id in own.iter().chain(&theirs) {
        assert!(!csv.contains(id.as_str()));
    }
    let (status, csv) = worker
        .fetch_status("/console/downloads/codebook.csv?lang=en")
        .await?;
    assert_eq!(status, 200, "{csv}");
    worker.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_idle_for_over_thirty_minutes_is_refused_and_asks_to_log_in_again() -> Result<()>
{
    let data = Scratch::new("console-idle")?;
    let collector = Collector::start(&dist(), data.path())?;
    let link = add_user(data.path(), collector.origin(), "idle@example.org", None)?;
    let mut worker = Worker::launch("console-idle").await?;
    worker.log_in_first_time(&link, "idle@example.org").await?;
    worker.see_heading("Doorstep console").await?;
    // Age the session in the collector's database as 31 minutes without a request would.
    let database = rusqlite::Connection::open(data.path().join("collector.sqlite3"))?;
    database.busy_timeout(std::time::Duration::from_secs(10))?;
    let aged = database.execute(
        "UPDATE sessions SET last_seen = last_seen - 31 * 60 * 1000",
        [],
    )?;
    assert_eq!(aged, 1);
    drop(database);
    worker.follow("Review").await?;
    worker.see_heading("Log in").await?;
    worker.see_words("Your session has ended").await?;
    // The ended session is gone from the database, not just refused.
    let database = rusqlite::Connection::open(data.path().join("collector.sqlite3"))?;
    let left: i64 = database.query_row("SELECT count(*) FROM sessions", [], |row| row.get(0))?;
    assert_eq!(left, 0, "the ended session was deleted");
    worker.close().await?;
    Ok(())
}

/// Presses Tab until `predicate` (a script expression over `document.activeElement`,
/// as `el`) holds, at most 40 times; says what never got focus.
async fn tab_to(worker: &Worker, what: &str, predicate: &str) -> Result<()> {
    for _ in 0..40 {
        let here = worker
            .run(&format!(
                "const el = document.activeElement; return !!(el && ({predicate}));"
            ))
            .await?;
        if here == serde_json::json!(true) {
            return Ok(());
        }
        worker.press_keys("\u{e004}").await?; // Tab
    }
    Err(format!("{what} never got focus by Tab").into())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coordinator_logs_in_and_reviews_a_response_with_the_keyboard_only() -> Result<()> {
    let data = Scratch::new("console-keyboard")?;
    let own = import_sample(data.path(), "hackney-cvs", "W012", 3, 0, 3)?;
    let collector = Collector::start(&dist(), data.path())?;
    let link = add_user(
        data.path(),
        collector.origin(),
        "keys@example.org",
        Some("hackney-cvs"),
    )?;
    let mut worker = Worker::launch("console-keyboard").await?;
    worker.log_in_first_time(&link, "keys@example.org").await?;
    worker.see_heading("Doorstep console").await?;
    worker.submit("Log out").await?;
    worker.see_heading("Log in").await?;

    // Log in: Tab to the email, type, Tab to the password, type, Enter.
    tab_to(&worker, "the email field", "el.id === 'email'").await?;
    worker.press_keys("keys@example.org").await?;
    worker.press_keys("\u{e004}").await?;
    worker.press_keys(PASSWORD).await?;
    worker.press_keys("\u{e007}").await?;
    worker.see_heading("Doorstep console").await?;

    // The skip link comes first and takes focus to the page.
    worker.press_keys("\u{e004}").await?;
    let first = worker
        .run("return document.activeElement.textContent.trim();")
        .await?;
    assert_eq!(first, serde_json::json!("Skip to the page"));

    // To the Review page by its navigation link, then the first response.
    tab_to(
        &worker,
        "the Review link",
        "el.textContent.trim() === 'Review'",
    )
    .await?;
    worker.press_keys("\u{e007}").await?;
    worker.see_heading("Review").await?;
    tab_to(
        &worker,
        "a response's link",
        "el.textContent.trim().startsWith('Open ')",
    )
    .await?;
    worker.press_keys("\u{e007}").await?;
    worker.see_words("Mark it as").await?;

    // The state by arrow keys, a comment, Enter on Save review.
    tab_to(&worker, "the review state", "el.name === 'to'").await?;
    worker.press_keys("\u{e015}").await?; // arrow down: received → has issues
    let chosen = worker
        .run("return document.querySelector('input[name=to]:checked').value;")
        .await?;
    assert_eq!(chosen, serde_json::json!("has_issues"));
    tab_to(&worker, "the comment", "el.id === 'comment'").await?;
    worker.press_keys("Checked by keyboard").await?;
    tab_to(
        &worker,
        "Save review",
        "el.textContent.trim() === 'Save review'",
    )
    .await?;
    worker.press_keys("\u{e007}").await?;
    let text = worker.see_words("Every change of its review").await?;
    assert!(text.contains("Checked by keyboard"), "{text}");
    assert!(own.iter().any(|id| text.contains(id.as_str())), "{text}");
    worker.close().await?;
    Ok(())
}
