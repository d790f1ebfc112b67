//! Tokens in the console, in a real headless Chromium with the real collector: a
//! coordinator makes a token, shown once with its set-up link and a QR code of it; the
//! link opens the app's set-up filled in on a fresh tablet, whose interview is accepted;
//! the list then shows the token's last use and the responses it brought; revoked, it
//! uploads nothing. A coordinator sees only its agency's tokens and cannot make or revoke
//! another's, by crafted forms either (403); an admin sees and revokes any. The token
//! list and the token-made page pass axe-core at 1280, 800 and 360 px, fit the screen,
//! and are kept as screenshots in `target/e2e/screenshots/`.

use doorstep_e2e::console::{add_user, check_page};
use doorstep_e2e::journey::{complete_interview, upload_the_one_waiting};
use doorstep_e2e::{
    add_token, collector_command, dist, stored_in_collector, Collector, Result, Scratch, Worker,
};
use serde_json::{json, Value};
use survey::wire::SetupLink;

/// The cells of the token list's row for the token starting `prefix`, by column
/// heading (`null` if it is not listed).
async fn token_row(worker: &Worker, prefix: &str) -> Result<Value> {
    worker
        .run(&format!(
            "const heads = [...document.querySelectorAll('table thead th')].map((h) => h.textContent.trim());
             const row = [...document.querySelectorAll('table tbody tr')]
               .find((r) => r.querySelector('th').textContent.trim() === {prefix} + '…');
             if (!row) return null;
             const cells = [...row.children].map((c) => c.childNodes.length && c.querySelector('details')
               ? 'revoke button' : c.textContent.trim());
             return Object.fromEntries(heads.map((h, i) => [h, cells[i]]));",
            prefix = json!(prefix)
        ))
        .await
}

/// The session's CSRF token, from a form on the page.
async fn csrf_of(worker: &Worker) -> Result<String> {
    let value = worker
        .run("return document.querySelector('input[name=csrf]').value;")
        .await?;
    Ok(value
        .as_str()
        .ok_or("no CSRF field on the page")?
        .to_owned())
}

/// What an upload with `token` gets from the collector, from a page on it: the token is
/// checked before the body (here not a batch) is read.
async fn upload_status(worker: &Worker, token: &str) -> Result<u64> {
    let value = worker
        .run_async(&format!(
            "return fetch('/api/v1/batches', {{ method: 'POST', body: '{{}}',
               headers: {{ 'Authorization': 'Bearer ' + {token}, 'Content-Type': 'application/json' }} }})
             .then((r) => r.status);",
            token = json!(token)
        ))
        .await?;
    value
        .as_u64()
        .ok_or_else(|| format!("no status: {value}").into())
}

/// The options of the drop-down with id `id`, as (value, words).
async fn options(worker: &Worker, id: &str) -> Result<Vec<(String, String)>> {
    let value = worker
        .run(&format!(
            "return [...document.getElementById({id}).options].map((o) => [o.value, o.text.trim()]);",
            id = json!(id)
        ))
        .await?;
    Ok(serde_json::from_value(value)?)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_made_in_the_console_sets_up_a_tablet_that_hands_in_until_it_is_revoked(
) -> Result<()> {
    let data = Scratch::new("console-tokens")?;
    let collector = Collector::start(&dist(), data.path())?;
    let other_agencys = add_token(data.path(), "hackney-cvs")?;
    let link = add_user(
        data.path(),
        collector.origin(),
        "coordinator@example.org",
        Some("hackney-council"),
    )?;
    let mut console = Worker::launch("console-tokens").await?;
    console
        .log_in_first_time(&link, "coordinator@example.org")
        .await?;
    console.follow("Tokens").await?;
    console.see_heading("Tokens").await?;
    // Another agency's token is not listed; only its own agency is offered.
    let text = console.see_words("No tokens yet.").await?;
    assert!(!text.contains(&other_agencys[..12]), "{text}");
    assert_eq!(
        options(&console, "token-agency").await?,
        [(
            "hackney-council".to_owned(),
            "Hackney Council (hackney-council)".to_owned()
        )]
    );

    console.submit("Make token").await?;
    console
        .see_heading("Token made for Hackney Council")
        .await?;
    console
        .see_words("Scan this with the tablet's camera, or open the link on the tablet; this token is shown only now.")
        .await?;
    let value = console
        .run("return document.getElementById('setup-link').value;")
        .await?;
    let setup = value.as_str().unwrap_or_default().to_owned();
    let parsed = SetupLink::parse(&setup).map_err(|e| format!("{setup}: {e}"))?;
    assert_eq!(parsed.collector, collector.origin());
    assert_eq!(parsed.agency.as_str(), "hackney-council");
    let token = parsed.token.clone();
    assert!(token.starts_with("dst_"), "{token}");
    let shown = console
        .run("return document.getElementById('upload-token').value;")
        .await?;
    assert_eq!(shown, json!(token));
    // The QR code: an image with a name, drawn (not an empty frame).
    let qr = console
        .run(
            "const svg = document.querySelector('.qr svg');
             return svg && [svg.getAttribute('role'), svg.getAttribute('aria-label'),
                            svg.querySelector('title').textContent,
                            svg.querySelector('path').getAttribute('d').length];",
        )
        .await?;
    assert_eq!(qr[0], "img", "{qr}");
    assert_eq!(
        qr[1], "QR code of the set-up link for Hackney Council",
        "{qr}"
    );
    assert_eq!(qr[2], qr[1], "{qr}");
    assert!(qr[3].as_u64().unwrap_or(0) > 500, "{qr}");
    // The token is in the page, never in its address.
    let address = console.run("return location.href;").await?;
    assert_eq!(address, json!(collector.url("/console/tokens")));
    check_page(&console, "token-made").await?;
    console.use_screen(360, 740).await?;
    let fits = console
        .run("const r = document.querySelector('.qr svg').getBoundingClientRect(); return [r.left, r.right, r.width, document.documentElement.clientWidth];")
        .await?;
    let (left, right, width, screen) = (
        fits[0].as_f64().unwrap_or(-1.0),
        fits[1].as_f64().unwrap_or(f64::MAX),
        fits[2].as_f64().unwrap_or(0.0),
        fits[3].as_f64().unwrap_or(0.0),
    );
    assert!(
        left >= 0.0 && right <= screen && width >= 200.0,
        "the QR code at 360 px: {fits}"
    );
    console.use_screen(1280, 900).await?;

    // The link on a fresh tablet: set-up filled in, asking only the worker's own details.
    let mut tablet = Worker::launch("console-tokens-tablet").await?;
    tablet.open(&setup).await?;
    tablet.see("page-setup").await?;
    tablet
        .see_text(
            "setup-link-notice",
            "Filled in from your coordinator's link",
        )
        .await?;
    assert_eq!(
        tablet.field_value("setup-collector").await?,
        collector.origin()
    );
    assert_eq!(tablet.field_value("setup-agency").await?, "hackney-council");
    assert_eq!(tablet.field_value("setup-token").await?, token);
    tablet.type_text("setup-worker", "w012").await?;
    tablet.type_text("setup-device", "Tablet 07").await?;
    tablet.choose("setup-area", "E05009370").await?;
    tablet.tap("setup-save").await?;
    tablet.see("page-today").await?;
    complete_interview(&tablet).await?;
    upload_the_one_waiting(&tablet).await?;
    assert_eq!(stored_in_collector(data.path())?, 1);

    // The list: its last use and the one response it brought.
    console.go("/console/tokens").await?;
    console.see_heading("Tokens").await?;
    let row = token_row(&console, &token[..12]).await?;
    assert_eq!(row["Agency"], "hackney-council", "{row}");
    assert_eq!(row["Responses received"], "1", "{row}");
    assert_eq!(row["State"], "in use", "{row}");
    assert_eq!(row["Revoke"], "revoke button", "{row}");
    let used = row["Last used"].as_str().unwrap_or_default();
    assert!(used.ends_with(" UTC") && used != "never", "{row}");
    assert_eq!(
        token_row(&console, &other_agencys[..12]).await?,
        Value::Null
    );
    let text = console.page_text().await?;
    assert!(!text.contains(&token), "the token is shown again: {text}");
    check_page(&console, "tokens").await?;

    // Revoked (after opening its confirmation), it hands in nothing more.
    assert_eq!(upload_status(&tablet, &token).await?, 400, "token accepted");
    console
        .run(&format!(
            "[...document.querySelectorAll('summary')].find((s) => s.textContent.trim() === {}).click(); return true;",
            json!(format!("Revoke {}… (hackney-council)", &token[..12]))
        ))
        .await?;
    console
        .see_words("Tablets set up with this token can no longer hand in.")
        .await?;
    check_page(&console, "token-revoke").await?;
    console
        .submit(&format!("Revoke token {}…", &token[..12]))
        .await?;
    console.see_words("is revoked").await?;
    let row = token_row(&console, &token[..12]).await?;
    assert!(
        row["State"]
            .as_str()
            .unwrap_or_default()
            .starts_with("revoked "),
        "{row}"
    );
    assert_eq!(row["Revoke"], "revoked", "{row}");
    assert_eq!(upload_status(&tablet, &token).await?, 401);
    // The other agency's token still uploads.
    assert_eq!(upload_status(&tablet, &other_agencys).await?, 400);
    drop(collector);
    tablet.close().await?;
    console.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coordinator_cannot_make_or_revoke_another_agencys_tokens_and_an_admin_can() -> Result<()>
{
    let data = Scratch::new("console-tokens-scope")?;
    let collector = Collector::start(&dist(), data.path())?;
    let council = add_token(data.path(), "hackney-council")?;
    let cvs = add_token(data.path(), "hackney-cvs")?;
    let coordinator = add_user(
        data.path(),
        collector.origin(),
        "coordinator@example.org",
        Some("hackney-council"),
    )?;
    let admin = add_user(data.path(), collector.origin(), "admin@example.org", None)?;
    let mut worker = Worker::launch("console-tokens-scope").await?;
    worker
        .log_in_first_time(&coordinator, "coordinator@example.org")
        .await?;
    worker.go("/console/tokens").await?;
    worker.see_heading("Tokens").await?;
    let text = worker.see_words("1 token").await?;
    assert!(text.contains(&council[..12]), "{text}");
    assert!(
        !text.contains(&cvs[..12]) && !text.contains("hackney-cvs"),
        "{text}"
    );
    let csrf = csrf_of(&worker).await?;

    // Crafted forms: another agency's token (number 2) by its number, a token for
    // another agency, no CSRF token, a number no token has, not a number.
    let (status, body) = worker
        .post_form("/console/tokens/2/revoke", &format!("csrf={csrf}"))
        .await?;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("another agency"), "{body}");
    let (status, body) = worker
        .post_form(
            "/console/tokens",
            &format!("csrf={csrf}&agency=hackney-cvs"),
        )
        .await?;
    assert_eq!(status, 403, "{body}");
    assert!(!body.contains("dst_"), "{body}");
    let (status, body) = worker.post_form("/console/tokens/1/revoke", "").await?;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("security token"), "{body}");
    let (status, body) = worker
        .post_form("/console/tokens/99/revoke", &format!("csrf={csrf}"))
        .await?;
    assert_eq!(status, 404, "{body}");
    let (status, body) = worker
        .post_form("/console/tokens/one/revoke", &format!("csrf={csrf}"))
        .await?;
    assert_eq!(status, 404, "{body}");
    let listed = collector_command(data.path(), &["token", "list"])?;
    let lines: Vec<&str> = listed.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "no token was made: {listed}");
    assert!(
        lines.iter().all(|line| line.trim_end().ends_with(" -")),
        "none was revoked: {listed}"
    );
    worker.submit("Log out").await?;

    // An admin sees every agency's, offers every agency, and revokes another's.
    worker
        .log_in_first_time(&admin, "admin@example.org")
        .await?;
    worker.go("/console/tokens").await?;
    let text = worker.see_words("2 tokens").await?;
    assert!(
        text.contains(&council[..12]) && text.contains(&cvs[..12]),
        "{text}"
    );
    let offered = options(&worker, "token-agency").await?;
    assert!(offered.len() > 2, "{offered:?}");
    assert!(offered.iter().any(|(code, _)| code == "hackney-cvs"));
    let csrf = csrf_of(&worker).await?;
    let (status, body) = worker
        .post_form("/console/tokens/2/revoke", &format!("csrf={csrf}"))
        .await?;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("is revoked"), "{body}");
    let listed = collector_command(data.path(), &["token", "list"])?;
    let revoked: Vec<&str> = listed
        .lines()
        .filter(|line| !line.trim_end().ends_with(" -"))
        .skip(1)
        .collect();
    assert_eq!(revoked.len(), 1, "{listed}");
    assert!(revoked[0].contains("hackney-cvs"), "{listed}");
    drop(collector);
    worker.close().await
}
