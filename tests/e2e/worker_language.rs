//! The worker's own language (issue 13 item 11): chosen in Settings by its name, every
//! screen follows at once and after a reload, counts and numbers read as the language
//! writes them, and Bengali renders with the app's own font, fetched only for Bengali.
//! Found as a person finds them: by the words on screen, links, buttons and labels.

use doorstep_e2e::journey::{
    answer_to_review, complete_interview, consent_and_age, open_and_set_up,
};
use doorstep_e2e::person::check_widths;
use doorstep_e2e::{dist, Collector, Result, Scratch, Worker};
use serde_json::{json, Value};

/// The shipped Bengali font, as the build serves it.
const FONT: &str = "/fonts/noto-sans-bengali-bengali-400-normal.woff2";

fn serve(label: &str) -> Result<(Collector, Scratch)> {
    let data = Scratch::new(label)?;
    let collector = Collector::start(&dist(), data.path())?;
    Ok((collector, data))
}

/// The addresses of everything the page fetched so far whose path holds `part`.
async fn fetched(worker: &Worker, part: &str) -> Result<Vec<String>> {
    let value = worker
        .run(&format!(
            "return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
               .filter((p) => p.includes({}));",
            json!(part)
        ))
        .await?;
    Ok(serde_json::from_value(value)?)
}

/// The page's language (`<html lang>`).
async fn page_language(worker: &Worker) -> Result<String> {
    let value = worker.run("return document.documentElement.lang;").await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

/// Text on screen drawn upper-case by CSS that is not the upper case of its own words in
/// its own language (Turkish i is İ, English i is I): each as `shown (lang)`.
async fn wrongly_upper_cased(worker: &Worker) -> Result<Vec<String>> {
    let value = worker
        .run(
            "return [...document.body.querySelectorAll('*')]
               .filter((e) => e.offsetParent !== null && getComputedStyle(e).textTransform === 'uppercase')
               .filter((e) => { const lang = e.closest('[lang]')?.lang || 'en';
                                return e.innerText.trim() !== e.textContent.trim().toLocaleUpperCase(lang); })
               .map((e) => `${e.innerText.trim()} (${e.closest('[lang]')?.lang})`);",
        )
        .await?;
    Ok(serde_json::from_value(value)?)
}

/// Asserts that `text` has each of `shown` and none of `gone` (the words the language
/// replaced).
fn says(text: &str, shown: &[&str], gone: &[&str]) {
    for words in shown {
        assert!(text.contains(words), "{words:?} not in {text}");
    }
    for words in gone {
        assert!(!text.contains(words), "{words:?} in {text}");
    }
}

/// Chooses Turkish for the worker's screens in Settings, from any screen.
async fn choose_turkish(worker: &Worker) -> Result<()> {
    worker.follow("Settings").await?;
    worker.tick("Türkçe (draft)").await?;
    worker.see_heading("Ayarlar").await?;
    Ok(())
}

/// Checks the screen at 1280, 800, 360 and 320 px (axe-core, nothing wider than the
/// screen, every navigation link on one line) and keeps a screenshot of each,
/// `worker-language-<name>-<width>.png`.
async fn check_screen(worker: &Worker, name: &str) -> Result<()> {
    for (width, height) in [(1280, 900), (800, 1000), (360, 740), (320, 640)] {
        worker.use_screen(width, height).await?;
        worker.run("window.scrollTo(0, 0); return true;").await?;
        let axe = worker.accessibility_problems().await?;
        assert!(axe.is_empty(), "{name} at {width}px: {axe:#?}");
        let layout = worker.layout_problems().await?;
        assert!(layout.is_empty(), "{name} at {width}px: {layout:#?}");
        let upper = wrongly_upper_cased(worker).await?;
        assert!(upper.is_empty(), "{name} at {width}px: {upper:?}");
        worker
            .screenshot(&format!("worker-language-{name}-{width}"))
            .await?;
    }
    worker.use_screen(1280, 900).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_worker_chooses_turkish_in_settings_and_every_screen_follows() -> Result<()> {
    let (collector, _data) = serve("language-tr")?;
    let mut worker = Worker::launch("language-tr").await?;
    open_and_set_up(&mut worker, &collector).await?;
    worker.wait_until_ready_offline().await?;

    // In English (the default) no screen without Bengali text fetches the Bengali font,
    // and no words file is fetched: English is built in.
    for (link, heading) in [
        ("Interviews", "Interviews on this tablet"),
        ("Hand in", "Hand in"),
        ("Today", "Today"),
    ] {
        worker.follow(link).await?;
        worker.see_heading(heading).await?;
    }
    worker.follow("Settings").await?;
    worker.see_heading("Settings").await?;
    worker
        .fill(
            "Days to keep them on this tablet after the collector's receipt",
            "1",
        )
        .await?;
    worker.press("Save").await?;
    worker.see_words("cleared 1 day after").await?;
    assert_eq!(page_language(&worker).await?, "en");
    assert_eq!(fetched(&worker, "/words/").await?, Vec::<String>::new());

    worker.tick("Türkçe (draft)").await?;

    // Every word of the screen changes at once, without a reload, and the page says so.
    worker.see_heading("Ayarlar").await?;
    assert_eq!(page_language(&worker).await?, "tr");
    let text = worker
        .see_words("Görüşülen kişinin dili her görüşmede ayrıca seçilir.")
        .await?;
    says(
        &text,
        &[
            "Uygulama ekranlarının dili",
            "Türkçe (taslak)",
            "বাংলা (taslak)",
            "Bugün",
            "Görüşmeler",
            "Teslim",
            "Bu cihazdaki depolama",
        ],
        &["Language of the app's screens"],
    );
    assert_eq!(fetched(&worker, "/words/").await?, ["/words/tr.txt"]);
    // A count in Turkish: the number and the noun that follows it, as Turkish says it.
    worker
        .fill(
            "Toplama sunucusunun alındısından sonra bu tablette kalacakları gün sayısı",
            "3",
        )
        .await?;
    worker.press("Kaydet").await?;
    worker
        .see_words("toplama sunucusunun alındısından 3 gün sonra silinir.")
        .await?;
    check_screen(&worker, "settings-tr").await?;

    worker.follow("Bugün").await?;
    worker.see_heading("Bugün").await?;
    worker.press("Kapı açılmadı").await?;
    worker.press("Kaydet: Kapı açılmadı").await?;
    let today = worker.see_words("Kaydedildi: Kapı açılmadı.").await?;
    // One door, nobody answered: a contact rate of 0, with the sign first in Turkish.
    assert!(today.contains("Ulaşma oranı\n%0"), "{today}");
    check_screen(&worker, "today-tr").await?;

    worker.follow("Görüşmeler").await?;
    worker.see_heading("Bu tabletteki görüşmeler").await?;
    worker.see_words("Burada henüz görüşme yok.").await?;
    worker.press("Tümü (0)").await?;

    worker.follow("Teslim").await?;
    check_screen(&worker, "hand-in-tr").await?;

    // The choice is kept: a reload opens in Turkish.
    worker.follow("Görüşmeler").await?;
    worker.reload().await?;
    worker.see_heading("Bu tabletteki görüşmeler").await?;
    assert_eq!(page_language(&worker).await?, "tr");
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn bengali_screens_write_bengali_digits_with_the_apps_own_font() -> Result<()> {
    let (collector, _data) = serve("language-bn")?;
    let mut worker = Worker::launch("language-bn").await?;
    open_and_set_up(&mut worker, &collector).await?;
    worker.wait_until_ready_offline().await?;
    // This browser has no Bengali font of its own: Today in English draws no Bengali
    // and fetches no font.
    assert_eq!(fetched(&worker, "/fonts/").await?, Vec::<String>::new());

    worker.follow("Settings").await?;
    worker.see_heading("Settings").await?;
    worker.tick("বাংলা (draft)").await?;
    worker.see_heading("সেটিংস").await?;
    assert_eq!(page_language(&worker).await?, "bn");

    // The shipped font is fetched and used for Bengali: it is loaded, and Bengali drawn
    // with it is not as wide as drawn without it (boxes for missing letters).
    let font = worker
        .wait_until(
            "the Bengali font to load",
            "(() => { const face = [...document.fonts].find((f) => f.family.replace(/[\"']/g, '') === 'Noto Sans Bengali');
               return face && face.status === 'loaded' ? face.status : null; })()",
        )
        .await?;
    assert_eq!(font, json!("loaded"));
    assert_eq!(fetched(&worker, FONT).await?, [FONT]);
    let widths: Value = worker
        .run(
            "const c = document.createElement('canvas').getContext('2d');
             const width = (font) => { c.font = font; return c.measureText('বাংলা সেটিংস').width; };
             return [width('32px \"Noto Sans Bengali\"'), width('32px monospace')];",
        )
        .await?;
    assert_ne!(widths[0], widths[1], "{widths}");
    assert!(
        worker
            .run("return document.fonts.check('16px \"Noto Sans Bengali\"', 'বাংলা');")
            .await?
            == json!(true)
    );

    // Numbers in Bengali digits: the days kept, typed as a Bengali keyboard types them.
    let days = "সংগ্রহ সার্ভারের রসিদের পর এগুলো এই ট্যাবলেটে কত দিন থাকবে";
    worker.fill(days, "১৪").await?;
    worker.press("সংরক্ষণ করুন").await?;
    worker
        .see_words("সংগ্রহ সার্ভারের রসিদের ১৪ দিন পর মুছে ফেলা হবে।")
        .await?;
    let saved = worker.see_words("টি এন্ট্রিতে").await?;
    let entries = saved
        .lines()
        .find(|line| line.contains("টি এন্ট্রিতে"))
        .unwrap_or_default();
    assert!(
        entries.chars().any(|c| ('০'..='৯').contains(&c))
            && !entries.chars().any(|c| c.is_ascii_digit()),
        "{entries}"
    );
    check_screen(&worker, "settings-bn").await?;

    worker.follow("আজ").await?;
    worker.see_heading("আজ").await?;
    worker.press("কেউ সাড়া দেননি").await?;
    worker.press("সংরক্ষণ করুন: কেউ সাড়া দেননি").await?;
    let today = worker.see_words("সংরক্ষিত: কেউ সাড়া দেননি।").await?;
    assert!(today.contains("দরজা\n১\n"), "{today}");
    assert!(today.contains("যোগাযোগের হার\n০%"), "{today}");
    check_screen(&worker, "today-bn").await?;

    worker.follow("জমা").await?;
    check_screen(&worker, "hand-in-bn").await?;

    // The choice is kept: a reload opens in Bengali, its words loaded before the screen.
    worker.follow("আজ").await?;
    worker.reload().await?;
    worker.see_heading("আজ").await?;
    assert_eq!(page_language(&worker).await?, "bn");
    worker.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn hand_in_says_what_is_still_to_hand_in_in_the_workers_language() -> Result<()> {
    let (collector, _data) = serve("language-hand-in")?;
    let mut worker = Worker::launch("language-hand-in").await?;
    open_and_set_up(&mut worker, &collector).await?;
    complete_interview(&worker).await?;
    choose_turkish(&worker).await?;

    // The heading, the count still to hand in (Turkish says no plural after a number)
    // and the upload button, all in Turkish; the pill too.
    worker.follow("Teslim").await?;
    worker.see_heading("Teslim").await?;
    let text = worker
        .see_words("1 tamamlanmış görüşme teslim edilecek")
        .await?;
    says(
        &text,
        &[
            "Tamamlanan görüşmeler",
            "1 görüşme bekliyor: henüz bir yüklemede ya da dosyada değil.",
            "Dosya dışa aktar",
        ],
        &[
            "to hand in",
            "Upload now",
            "Completed interviews",
            "Export a file",
        ],
    );
    assert!(worker.has_button("Şimdi yükle").await?, "{text}");
    worker.see_status("Sunucuya ulaşıldı").await?;
    check_widths(&worker, "hand-in-tr", (1280, 900)).await?;

    // In Bengali, the count in Bengali digits.
    worker.follow("Ayarlar").await?;
    worker.tick("বাংলা (taslak)").await?;
    worker.see_heading("সেটিংস").await?;
    worker.follow("জমা").await?;
    worker.see_heading("জমা দিন").await?;
    worker.see_words("১টি সম্পূর্ণ সাক্ষাৎকার জমা দেওয়া বাকি").await?;
    assert!(worker.has_button("এখনই আপলোড করুন").await?);
    worker.close().await
}

/// The `lang` of the first element `selector` finds, or "" when there is none.
async fn lang_of(worker: &Worker, selector: &str) -> Result<String> {
    let value = worker
        .run(&format!(
            "return document.querySelector({})?.lang ?? '';",
            json!(selector)
        ))
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_interview_keeps_the_residents_language_and_gives_the_worker_theirs() -> Result<()> {
    let (collector, _data) = serve("language-interview")?;
    let mut worker = Worker::launch("language-interview").await?;
    open_and_set_up(&mut worker, &collector).await?;
    choose_turkish(&worker).await?;
    worker.follow("Bugün").await?;
    worker.see_heading("Bugün").await?;
    worker.tap("visit-outcome-interviewed").await?;
    worker.tap("visit-save").await?;
    worker.see("q-CONSENT").await?;

    // The questionnaire in the resident's language (English, as it starts); the bar,
    // the steps and the marks of the worker's words in Turkish, said to be Turkish.
    let text = worker.see_words("Are you happy to take part?").await?;
    says(
        &text,
        &["Görüşülen kişinin dili", "Şimdilik çık", "Sil…", "İleri"],
        &["Resident's language", "Leave for now", "Discard…"],
    );
    assert_eq!(lang_of(&worker, ".question-text").await?, "en");
    assert_eq!(lang_of(&worker, ".needs-answer").await?, "tr");
    assert_eq!(page_language(&worker).await?, "tr");

    // What stops the worker is said in the worker's words too.
    worker.press("İleri").await?;
    let text = worker
        .see_words("Devam etmeden önce: 2 soru yanıt bekliyor.")
        .await?;
    says(
        &text,
        &["Onay isteyin ve devam etmeden önce Evet ya da Hayır'ı seçin."],
        &["before you go on", "Ask for consent", "needs an answer"],
    );
    worker.press("Sil…").await?;
    worker.see_words("Bu görüşme silinsin mi?").await?;
    worker.press("Silme, kalsın").await?;

    // Through to the review: its buttons are the worker's, its answers the resident's.
    consent_and_age(&worker, 5).await?;
    answer_to_review(&worker).await?;
    worker.see_heading("Yanıtları kontrol edin").await?;
    for button in [
        "Görüşmeyi tamamla",
        "Görüşülen kişiye göster",
        "Sil…",
        "Geri",
    ] {
        assert!(worker.has_button(button).await?, "no {button:?} button");
    }
    assert!(!worker.has_button("Complete interview").await?);
    assert!(worker.has_button("Değiştir").await?);
    assert_eq!(lang_of(&worker, ".review-row dt").await?, "en");
    check_widths(&worker, "interview-tr", (1280, 900)).await?;

    // The resident's language changes the questionnaire only, not the worker's words.
    worker.tap("language-bn").await?;
    worker
        .wait_until(
            "the answers in Bengali",
            "document.querySelector('.review-row dt')?.lang === 'bn'",
        )
        .await?;
    assert!(worker.has_button("Görüşmeyi tamamla").await?);
    assert_eq!(page_language(&worker).await?, "tr");

    // Turned to the resident: the questionnaire's title, and one Turkish way back.
    worker.press("Görüşülen kişiye göster").await?;
    worker.see_words("Görevli ekranına dön").await?;
    worker.press("Görevli ekranına dön").await?;
    worker.press("Görüşmeyi tamamla").await?;
    worker.see_heading("Görüşme tamamlandı").await?;
    worker.see_words("Bu tablete kaydedildi.").await?;
    worker.close().await
}
