//! Driving the partnership console as a coordinator would: by the labels of fields, the
//! words on buttons and the headings of pages (the console's pages carry no test ids).

use fantoccini::Locator;
use serde_json::json;

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

/// The widths every console page is checked at.
const WIDTHS: [(u32, u32); 3] = [(1280, 900), (800, 1000), (360, 740)];

/// Checks a console page as it is at the three widths (axe-core, nothing wider than
/// the screen) and keeps a screenshot of each, `console-<name>-<width>.png`.
pub async fn check_page(worker: &Worker, name: &str) -> Result<()> {
    for (width, height) in WIDTHS {
        worker.use_screen(width, height).await?;
        let axe = worker.accessibility_problems().await?;
        assert!(axe.is_empty(), "{name} at {width}px: {axe:#?}");
        let layout = worker.layout_problems().await?;
        assert!(layout.is_empty(), "{name} at {width}px: {layout:#?}");
        worker
            .screenshot(&format!("console-{name}-{width}"))
            .await?;
    }
    worker.use_screen(1280, 900).await?;
    Ok(())
}

impl Worker {
    /// Types `text` into the field labelled `label` (its whole text), emptied first.
    pub async fn fill(&self, label: &str, text: &str) -> Result<()> {
        let id = self.field_id(label).await?;
        let field = self.client.find(Locator::Id(&id)).await?;
        field.clear().await?;
        field.click().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    /// Picks the option whose words are `option` in the drop-down labelled `label`.
    pub async fn pick(&self, label: &str, option: &str) -> Result<()> {
        let id = self.field_id(label).await?;
        let found = self
            .run(&format!(
                "const s = document.getElementById({id});
                 const o = [...s.options].find((o) => o.text.trim() === {option});
                 if (!o) return false; s.value = o.value;
                 s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;",
                id = json!(id),
                option = json!(option),
            ))
            .await?;
        if found != json!(true) {
            return Err(format!("no option {option:?} in {label:?}").into());
        }
        Ok(())
    }

    async fn field_id(&self, label: &str) -> Result<String> {
        let value = self
            .wait_until(
                &format!("a field labelled {label:?}"),
                &format!(
                    "(() => {{ const l = [...document.querySelectorAll('label')]
                         .find((l) => l.textContent.trim() === {label} && l.offsetParent !== null);
                       return l ? l.htmlFor : null; }})()",
                    label = json!(label)
                ),
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Presses the (first visible) button whose words are `words`.
    pub async fn press(&self, words: &str) -> Result<()> {
        self.wait_until(
            &format!("a button {words:?}"),
            &format!(
                "[...document.querySelectorAll('button')].some((b) => b.textContent.trim() === {w} && b.offsetParent !== null)",
                w = json!(words)
            ),
        )
        .await?;
        let buttons = self
            .client
            .find_all(Locator::XPath(&format!(
                "//button[normalize-space()={}]",
                xpath_literal(words)
            )))
            .await?;
        for button in buttons {
            if button.is_displayed().await? {
                button.click().await?;
                return Ok(());
            }
        }
        Err(format!("no visible button {words:?}").into())
    }

    /// Chooses the radio button or checkbox labelled `label` by tapping its label.
    pub async fn tick(&self, label: &str) -> Result<()> {
        let found = self
            .client
            .find(Locator::XPath(&format!(
                "//label[normalize-space()={}]",
                xpath_literal(label)
            )))
            .await?;
        found.click().await?;
        Ok(())
    }

    /// Presses the button `words` of a form and waits for the page the form brings.
    pub async fn submit(&self, words: &str) -> Result<()> {
        self.run("window.__before_submit = true; return true;")
            .await?;
        self.press(words).await?;
        self.wait_until(
            &format!("the page after pressing {words:?}"),
            "window.__before_submit !== true && document.readyState !== 'loading'",
        )
        .await?;
        Ok(())
    }

    /// Follows the link whose words are `words`.
    pub async fn follow(&self, words: &str) -> Result<()> {
        let link = self
            .client
            .find(Locator::XPath(&format!(
                "//a[normalize-space()={}]",
                xpath_literal(words)
            )))
            .await?;
        link.click().await?;
        Ok(())
    }

    /// Follows the (first visible) link whose words begin with `words`, for links that go
    /// on with a date or a count.
    pub async fn follow_starting(&self, words: &str) -> Result<()> {
        let link = self
            .client
            .find(Locator::XPath(&format!(
                "//a[starts-with(normalize-space(), {})]",
                xpath_literal(words)
            )))
            .await?;
        link.click().await?;
        Ok(())
    }

    /// Waits until the page's heading (`h1`) reads `heading`.
    pub async fn see_heading(&self, heading: &str) -> Result<()> {
        self.wait_until(
            &format!("the heading {heading:?}"),
            &format!(
                "(() => {{ const h = document.querySelector('h1'); return h && h.textContent.trim() === {h}; }})()",
                h = json!(heading)
            ),
        )
        .await?;
        Ok(())
    }

    /// Waits until the page shows `words` somewhere, and returns the page's text.
    pub async fn see_words(&self, words: &str) -> Result<String> {
        let value = self
            .wait_until(
                &format!("the words {words:?}"),
                &format!(
                    "document.body && document.body.innerText.includes({w}) ? document.body.innerText : null",
                    w = json!(words)
                ),
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The page's text now.
    pub async fn page_text(&self) -> Result<String> {
        let value = self.run("return document.body.innerText;").await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

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

fn xpath_literal(text: &str) -> String {
    if text.contains('\'') {
        format!("\"{text}\"")
    } else {
        format!("'{text}'")
    }
}

/// Answering a question and finding buttons by what a screen reader says.
impl Worker {
    /// Chooses the answer labelled `label` of the question whose text contains
    /// `question` (its radio button or checkbox, by tapping the label).
    pub async fn tick_for(&self, question: &str, label: &str) -> Result<()> {
        let found = self
            .client
            .find(Locator::XPath(&format!(
                "//fieldset[legend[contains(normalize-space(), {})]]//label[normalize-space()={}]",
                xpath_literal(question),
                xpath_literal(label)
            )))
            .await?;
        found.click().await?;
        Ok(())
    }

    /// Types `text` into the field of the question whose text contains `question`, as a
    /// worker would, emptied first.
    pub async fn type_answer(&self, question: &str, text: &str) -> Result<()> {
        let field = self
            .client
            .find(Locator::XPath(&format!(
                "//fieldset[legend[contains(normalize-space(), {})]]//*[self::input[@type='text'] or self::textarea]",
                xpath_literal(question)
            )))
            .await?;
        field.click().await?;
        // Ctrl+A then Backspace, so the page sees real input events.
        field.send_keys("\u{e009}a\u{e009}\u{e003}").await?;
        field.send_keys(text).await?;
        Ok(())
    }

    /// The names a screen reader gives the buttons on the page, in the page's order
    /// (from the browser's accessibility tree: visible words, hidden ones, labels).
    pub async fn button_names(&self) -> Result<Vec<String>> {
        Ok(self
            .accessible_buttons()
            .await?
            .into_iter()
            .map(|(name, _)| name)
            .collect())
    }

    /// Presses the button a screen reader names `name` (which may differ from the words
    /// on it, such as "Change: <the question>" for a button reading "Change").
    pub async fn press_named(&self, name: &str) -> Result<()> {
        let started = std::time::Instant::now();
        let node = loop {
            let buttons = self.accessible_buttons().await?;
            if let Some((_, node)) = buttons.into_iter().find(|(n, _)| n == name) {
                break node;
            }
            if started.elapsed() > std::time::Duration::from_secs(10) {
                return Err(format!("no button named {name:?}").into());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        let resolved = self
            .devtools("DOM.resolveNode", json!({ "backendNodeId": node }))
            .await?;
        let object = resolved["object"]["objectId"].clone();
        self.devtools(
            "Runtime.callFunctionOn",
            json!({
                "objectId": object,
                "functionDeclaration": "function () { this.setAttribute('data-e2e-press', ''); }",
            }),
        )
        .await?;
        // A real tap, on the element found by its name.
        let button = self.client.find(Locator::Css("[data-e2e-press]")).await?;
        button.click().await?;
        self.run("document.querySelector('[data-e2e-press]')?.removeAttribute('data-e2e-press'); return true;")
            .await?;
        Ok(())
    }

    /// Every button in the accessibility tree that is not hidden from it: its name and
    /// its DOM node.
    async fn accessible_buttons(&self) -> Result<Vec<(String, u64)>> {
        let tree = self
            .devtools("Accessibility.getFullAXTree", json!({}))
            .await?;
        let nodes = tree["nodes"].as_array().cloned().unwrap_or_default();
        Ok(nodes
            .iter()
            .filter(|node| node["role"]["value"] == "button" && node["ignored"] != true)
            .filter_map(|node| {
                let name = node["name"]["value"].as_str()?.trim().to_owned();
                let id = node["backendDOMNodeId"].as_u64()?;
                Some((name, id))
            })
            .collect())

// Found as a person finds them, for the Hand in tests: buttons whose words go on with a
// file's name (heard by screen readers), what the page's status lines say, and whether a
// box is ticked.
impl Worker {
    /// Presses the (first visible) button whose words begin with `words`, for buttons
    /// that go on with a name (such as "Export again doorstep-W012-….json").
    pub async fn press_starting(&self, words: &str) -> Result<()> {
        self.wait_until(
            &format!("a button beginning {words:?}"),
            &format!(
                "[...document.querySelectorAll('button')].some((b) =>
                   b.textContent.replace(/\\s+/g, ' ').trim().startsWith({w}) && b.offsetParent !== null && !b.disabled)",
                w = json!(words)
            ),
        )
        .await?;
        let buttons = self
            .client
            .find_all(Locator::XPath(&format!(
                "//button[starts-with(normalize-space(), {})]",
                xpath_literal(words)
            )))
            .await?;
        for button in buttons {
            if button.is_displayed().await? && button.is_enabled().await? {
                button.click().await?;
                return Ok(());
            }
        }
        Err(format!("no visible button beginning {words:?}").into())
    }

    /// Whether a visible button whose words are `words` is on the screen now.
    pub async fn has_button(&self, words: &str) -> Result<bool> {
        let found = self
            .run(&format!(
                "return [...document.querySelectorAll('button')]
                   .some((b) => b.textContent.replace(/\\s+/g, ' ').trim() === {w} && b.offsetParent !== null);",
                w = json!(words)
            ))
            .await?;
        Ok(found == json!(true))
    }

    /// The words of every visible status line (`role=status`), in page order.
    pub async fn statuses(&self) -> Result<Vec<String>> {
        let value = self
            .run(
                "return [...document.querySelectorAll('[role=status]')]
                   .filter((s) => s.offsetParent !== null)
                   .map((s) => s.innerText.trim());",
            )
            .await?;
        Ok(serde_json::from_value(value)?)
    }

    /// Waits until a visible status line (`role=status`) reads `words`, in part.
    pub async fn see_status(&self, words: &str) -> Result<String> {
        let value = self
            .wait_until(
                &format!("a status reading {words:?}"),
                &format!(
                    "[...document.querySelectorAll('[role=status]')]
                       .filter((s) => s.offsetParent !== null)
                       .map((s) => s.innerText).find((t) => t.includes({w})) || null",
                    w = json!(words)
                ),
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Whether the checkbox or radio button labelled `label` is ticked.
    pub async fn is_ticked(&self, label: &str) -> Result<bool> {
        let value = self
            .wait_until(
                &format!("a box labelled {label:?}"),
                &format!(
                    "(() => {{ const l = [...document.querySelectorAll('label')]
                         .find((l) => l.textContent.trim() === {l} && l.offsetParent !== null);
                       const box = l && (l.control || l.querySelector('input'));
                       return box ? [box.checked] : null; }})()",
                    l = json!(label)
                ),
            )
            .await?;
        Ok(value.get(0) == Some(&json!(true)))
    }
}
