//! The questionnaire as the partnership publishes it, in the console, in a real headless
//! Chromium with the real collector: an admin chooses a new version's file, sees its
//! changes (the relabelled option to confirm first) and a preview in Turkish, cannot
//! publish it before confirming, publishes it, and tablets then get it from
//! `GET /api/v1/questionnaires/current`. The pages pass axe-core at 1280, 800 and
//! 360 px, fit the screen, and are kept as screenshots in `target/e2e/screenshots/`.

use doorstep_e2e::console::{add_user, check_page};
use doorstep_e2e::{dist, Collector, Result, Scratch, Worker};
use survey::questionnaire::QuestionKind;

/// The shipped questionnaire as version 2: a question added, one label changed in
/// Turkish.
fn version_two() -> Result<String> {
    let mut q = survey::shipped::shared_questionnaire()?;
    q.version = 2;
    let home = q
        .sections
        .iter_mut()
        .find(|s| s.id == "home")
        .ok_or("no home section")?;
    for question in &mut home.questions {
        if let (true, QuestionKind::SingleChoice { options }) =
            (question.code.0 == "TENURE", &mut question.kind)
        {
            let rent = options.get_mut(3).ok_or("TENURE has no option 4")?;
            rent.label
                .0
                .insert(survey::LanguageCode("tr".into()), "Kiracıyız".into());
        }
    }
    let mut added = home.questions[0].clone();
    added.code = "HOME_OFFICE".into();
    home.questions.push(added);
    Ok(serde_json::to_string_pretty(&q)?)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_publishes_a_new_version_after_seeing_its_changes_and_preview() -> Result<()> {
    let data = Scratch::new("console-questionnaire")?;
    let collector = Collector::start(&dist(), data.path())?;
    let file = data.path().join("doorstep-qol.v2.json");
    std::fs::write(&file, version_two()?)?;
    let link = add_user(data.path(), collector.origin(), "admin@example.org", None)?;
    let mut admin = Worker::launch("console-questionnaire").await?;
    admin.log_in_first_time(&link, "admin@example.org").await?;
    admin.follow("Questionnaire").await?;
    admin.see_heading("Questionnaire").await?;
    admin.see_words("published (current)").await?;
    check_page(&admin, "questionnaire").await?;

    admin
        .choose_file("Questionnaire file (JSON)", &file)
        .await?;
    admin.submit("Check and keep as draft").await?;
    admin.see_words("Version 2 is kept as a draft.").await?;
    let text = admin.see_words("To confirm: relabelled options").await?;
    assert!(
        text.contains(
            "question TENURE: option 4 relabelled in tr: “Kirada oturuyoruz” → “Kiracıyız”"
        ),
        "{text}"
    );
    assert!(
        text.contains("question HOME_OFFICE added (section home)"),
        "{text}"
    );
    check_page(&admin, "questionnaire-draft").await?;

    admin.follow("Preview version 2").await?;
    admin.see_heading("Version 2 preview").await?;
    admin.follow("Türkçe").await?;
    admin.see_words("Kiracıyız").await?;
    check_page(&admin, "questionnaire-preview").await?;
    admin.follow("Back to the versions").await?;

    // Not without the confirmation.
    admin.submit("Publish version 2").await?;
    admin.see_words("relabels 1 option(s)").await?;
    let (_, current) = admin.fetch_status("/api/v1/questionnaires/current").await?;
    assert!(current.contains("\"version\": 1"), "still version 1");

    admin
        .tick("I have checked each relabelled option: its code still means what it meant")
        .await?;
    admin.submit("Publish version 2").await?;
    admin.see_words("Version 2 is published").await?;
    let (status, current) = admin.fetch_status("/api/v1/questionnaires/current").await?;
    assert_eq!(status, 200);
    assert!(current.contains("\"version\": 2"), "{current:.200}");
    assert!(current.contains("HOME_OFFICE"));
    check_page(&admin, "questionnaire-published").await?;
    admin.close().await
}
