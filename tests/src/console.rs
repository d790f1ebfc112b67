//! The partnership console's tests: its users and sample data made with the collector's
//! own commands, each page checked at three widths, requests sent from the page with its
//! cookies, and logging in (fields and buttons are found as a person finds them, in
//! [`crate::person`]; the console's pages carry no test ids).

use serde_json::json;

use crate::person::check_widths;
use crate::{collector_command, Result, Worker};

/// The password every console test user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// Adds a console user with `collector user add` (`agency` for a coordinator) and
/// returns their one-time set-password link, on `origin`.
pub fn add_user(
    data: &std::path::Path,
    origin: &str,
    email: &str,
    agency: Option<&str>,
) -> Result<String> {
    let mut args = vec!["user", "add", "--email", email, "--base-url", origin];
    match agency {
        Some(agency) => args.extend(["--role", "coordinator", "--agency", agency]),
        None => args.extend(["--role", "admin"]),
    }
    let printed = collector_command(data, &args)?;
    printed
        .lines()
        .find(|line| line.contains("/console/set-password#"))
        .map(|line| line.trim().to_owned())
        .ok_or_else(|| format!("no set-password link in {printed:?}").into())
}

/// Imports `count` sample responses collected by `agency`'s worker `worker` (the
/// sample interviews `first..first + count`, each in its sample ward) into the collector
/// with `collector import`, as one batch made from `seed`; returns the responses' ids.
pub fn import_sample(
    data: &std::path::Path,
    agency: &str,
    worker: &str,
    seed: u64,
    first: usize,
    count: usize,
) -> Result<Vec<String>> {
    use survey::record::{Assignment, QuestionnaireRef, Timestamp};
    let questionnaire = survey::shipped::shared_questionnaire()?;
    let pool = survey::sample::Pool::new(&questionnaire, 200)?;
    let assignment = Assignment {
        worker: worker.into(),
        agency: agency.into(),
        device: format!("{agency}-tablet").as_str().into(),
        area: questionnaire.areas[0].code.as_str().into(),
    };
    let responses: Vec<survey::Response> = (first..first + count)
        .map(|index| {
            let mut response = pool.response(index);
            response.agency = assignment.agency.clone();
            response.worker = assignment.worker.clone();
            response.device = assignment.device.clone();
            response
        })
        .collect();
    let ids = responses.iter().map(|r| r.id.to_string()).collect();
    let created = Timestamp(1_714_600_000_000);
    let batch = survey::Batch::new(
        survey::sample::time_ordered(created.0, seed).into(),
        created,
        &assignment,
        QuestionnaireRef::of(&questionnaire),
        responses,
        Vec::new(),
    )?;
    let file = data.join(format!("sample-{agency}-{seed}.json"));
    std::fs::create_dir_all(data)?;
    std::fs::write(&file, batch.to_json()?)?;
    collector_command(data, &["import", file.to_str().unwrap_or_default()])?;
    Ok(ids)
}

/// Checks a console page as it is at the three widths and keeps a screenshot of each,
/// `console-<name>-<width>.png` ([`check_widths`]).
pub async fn check_page(worker: &Worker, name: &str) -> Result<()> {
    check_widths(worker, &format!("console-{name}"), (1280, 900)).await
}

impl Worker {
    /// Fetches `path` from the page (with its cookies, as following a link would) and
    /// returns the status and the text of the answer.
    pub async fn fetch_status(&self, path: &str) -> Result<(u16, String)> {
        self.request(path, "GET", None).await
    }

    /// Sends `form` (`name=value&…`) to `path` as a form would, from the page (with its
    /// cookies), and returns the status and the text of the answer.
    pub async fn post_form(&self, path: &str, form: &str) -> Result<(u16, String)> {
        self.request(path, "POST", Some(form)).await
    }

    async fn request(&self, path: &str, method: &str, form: Option<&str>) -> Result<(u16, String)> {
        let value = self
            .run_async(&format!(
                "const init = {{ method: {method}, redirect: 'manual', credentials: 'same-origin' }};
                 const form = {form};
                 if (form !== null) {{ init.body = new URLSearchParams(form); }}
                 return fetch({path}, init).then(async (r) => [r.status, await r.text()]);",
                method = json!(method),
                form = json!(form),
                path = json!(path),
            ))
            .await?;
        if let Some(error) = value.get("error") {
            return Err(format!("{method} {path} failed in the page: {error}").into());
        }
        let status = value.get(0).and_then(|s| s.as_u64()).unwrap_or(0);
        let text = value.get(1).and_then(|t| t.as_str()).unwrap_or_default();
        Ok((u16::try_from(status).unwrap_or(0), text.to_owned()))
    }

    /// The value of the browser's cookie `name` for the page (HttpOnly ones too).
    pub async fn cookie(&self, name: &str) -> Result<Option<String>> {
        let cookies = self.client.get_all_cookies().await?;
        Ok(cookies
            .into_iter()
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned()))
    }

    /// Puts the cookie `name=value` back for the console's paths on `origin` (as a kept
    /// or stolen cookie would be replayed).
    pub async fn put_cookie(&self, origin: &str, name: &str, value: &str) -> Result<()> {
        let set = self
            .devtools(
                "Network.setCookie",
                json!({ "name": name, "value": value, "url": format!("{origin}/console"),
                        "path": "/console", "httpOnly": true, "sameSite": "Strict" }),
            )
            .await?;
        if set.get("success") == Some(&json!(false)) {
            return Err(format!("the browser did not take the cookie {name}: {set}").into());
        }
        Ok(())
    }

    /// Sets a password from `link` and logs in with `email`, landing on the console.
    pub async fn log_in_first_time(&mut self, link: &str, email: &str) -> Result<()> {
        self.open(link).await?;
        self.see_heading("Set your password").await?;
        self.fill("New password", PASSWORD).await?;
        self.fill("The same password again", PASSWORD).await?;
        self.submit("Set password").await?;
        self.see_heading("Your password is set").await?;
        self.follow("Log in").await?;
        self.log_in(email, PASSWORD).await
    }

    /// Logs in from the log-in page.
    pub async fn log_in(&self, email: &str, password: &str) -> Result<()> {
        self.see_heading("Log in").await?;
        self.fill("Email", email).await?;
        self.fill("Password", password).await?;
        self.submit("Log in").await?;
        Ok(())
    }
}
