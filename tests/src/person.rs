//! Finding things on a screen as a person does: fields by their labels, buttons and links
//! by their words (or by the name a screen reader gives them), questions by their text,
//! headings, status lines; and each screen checked at a size (axe-core, layout,
//! screenshot). For the app's screens and the console's alike.

use fantoccini::Locator;
use serde_json::json;

use crate::{Result, Worker};

/// The widths every console page (and Hand in's screens) is checked at.
pub const WIDTHS: [(u32, u32); 3] = [(1280, 900), (800, 1000), (360, 740)];

/// Checks the screen as it is at `width` x `height`: no serious or critical axe-core
/// violation, nothing wider than the screen, 48px targets ([`Worker::layout_problems`]);
/// keeps a screenshot, `<name>-<width>.png`. The screen stays at that size.
pub async fn check_at(worker: &Worker, name: &str, (width, height): (u32, u32)) -> Result<()> {
    worker.use_screen(width, height).await?;
    let axe = worker.accessibility_problems().await?;
    assert!(axe.is_empty(), "{name} at {width}px: {axe:#?}");
    let layout = worker.layout_problems().await?;
    assert!(layout.is_empty(), "{name} at {width}px: {layout:#?}");
    worker.screenshot(&format!("{name}-{width}")).await?;
    Ok(())
}

/// [`check_at`] at each of the [`WIDTHS`], then back to the size `then`.
pub async fn check_widths(worker: &Worker, name: &str, then: (u32, u32)) -> Result<()> {
    for screen in WIDTHS {
        check_at(worker, name, screen).await?;
    }
    worker.use_screen(then.0, then.1).await
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

    /// Chooses the file at `path` in the file field labelled `label` (as the file
    /// picker would).
    pub async fn choose_file(&self, label: &str, path: &std::path::Path) -> Result<()> {
        let id = self.field_id(label).await?;
        let field = self.client.find(Locator::Id(&id)).await?;
        field
            .send_keys(path.to_str().ok_or("a file path that is not text")?)
            .await?;
        Ok(())
    }

    /// Presses the (first visible) button whose words are `words`.
    pub async fn press(&self, words: &str) -> Result<()> {
        let w = json!(words);
        self.press_first(
            &format!("a button {words:?}"),
            &format!("b.textContent.trim() === {w} && b.offsetParent !== null"),
            &format!("normalize-space()={}", xpath_literal(words)),
            false,
        )
        .await
    }

    /// Presses the (first visible, enabled) button whose words begin with `words`, for
    /// buttons that go on with a name (such as "Export again doorstep-W012-….json").
    pub async fn press_starting(&self, words: &str) -> Result<()> {
        let w = json!(words);
        self.press_first(
            &format!("a button beginning {words:?}"),
            &format!(
                "b.textContent.replace(/\\s+/g, ' ').trim().startsWith({w}) && b.offsetParent !== null && !b.disabled"
            ),
            &format!("starts-with(normalize-space(), {})", xpath_literal(words)),
            true,
        )
        .await
    }

    /// Waits until a button `b` meets the JavaScript test `shown`, then taps the first
    /// displayed (and, with `enabled`, enabled) button meeting the XPath condition `words`.
    async fn press_first(&self, what: &str, shown: &str, words: &str, enabled: bool) -> Result<()> {
        self.wait_until(
            what,
            &format!("[...document.querySelectorAll('button')].some((b) => {shown})"),
        )
        .await?;
        let buttons = self
            .client
            .find_all(Locator::XPath(&format!("//button[{words}]")))
            .await?;
        for button in buttons {
            if button.is_displayed().await? && (!enabled || button.is_enabled().await?) {
                button.click().await?;
                return Ok(());
            }
        }
        Err(format!("{what}, shown and able to be pressed: none").into())
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
        self.follow_link(&format!("normalize-space()={}", xpath_literal(words)))
            .await
    }

    /// Follows the first link whose words begin with `words`, for links that go on with a
    /// date or a count.
    pub async fn follow_starting(&self, words: &str) -> Result<()> {
        self.follow_link(&format!(
            "starts-with(normalize-space(), {})",
            xpath_literal(words)
        ))
        .await
    }

    /// Follows the first link whose words meet the XPath condition `words`.
    async fn follow_link(&self, words: &str) -> Result<()> {
        let link = self
            .client
            .find(Locator::XPath(&format!("//a[{words}]")))
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
    }
}

// Found as a person finds them, for the Hand in tests: what the page's status lines say,
// and whether a box is ticked.
impl Worker {
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
