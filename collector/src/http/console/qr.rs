//! A QR code drawn as SVG on the server, inside the page: the `qrcode` crate makes the
//! modules, and the markup is written here with maud (no library's markup string is
//! pasted in, so nothing reaches the page unescaped). One `<path>` of the dark modules
//! (a run of dark modules in a row is one rectangle) on a white square with the
//! four-module quiet zone a scanner needs; `role="img"`, an `aria-label` and a `<title>`
//! name it. Its size on screen is the style sheet's (`.qr svg`), the `viewBox` scales it.

use maud::{html, Markup};
use qrcode::{Color, EcLevel, QrCode};

/// The light border a scanner needs around the code, in modules.
const QUIET: usize = 4;

/// Why a QR code could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("the QR code could not be made: {0}")]
pub struct QrError(String);

/// `text` as a QR code (error correction M: up to 15% of it may be damaged or smudged),
/// named `name` for screen readers.
pub fn svg(text: &str, name: &str) -> Result<Markup, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|error| QrError(error.to_string()))?;
    let width = code.width();
    let side = width + 2 * QUIET;
    let path = dark_path(&code.to_colors(), width);
    Ok(html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(name)
            viewBox=(format!("0 0 {side} {side}")) shape-rendering="crispEdges" {
            title { (name) }
            rect width=(side) height=(side) fill="#fff" {}
            path fill="#000" d=(path) {}
        }
    })
}

/// The dark modules of a `width` × `width` code as path data: a rectangle one module
/// high for each run of dark modules in a row, shifted by the quiet zone.
fn dark_path(colors: &[Color], width: usize) -> String {
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row[x] == Color::Light {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
            path.push_str(&format!("M{} {}h{run}v1h-{run}z", x + QUIET, y + QUIET));
            x += run;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The modules the path paints, read back from its data.
    fn painted(path: &str, width: usize) -> Vec<Color> {
        let mut grid = vec![Color::Light; width * width];
        for rect in path.split('M').filter(|r| !r.is_empty()) {
            let (at, rest) = rect.split_once('h').unwrap();
            let (x, y) = at.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let run: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            for dx in 0..run {
                grid[(y - QUIET) * width + x - QUIET + dx] = Color::Dark;
            }
        }
        grid
    }

    #[test]
    fn the_path_paints_exactly_the_codes_dark_modules_inside_a_quiet_zone() {
        let link = "https://collector.example.org/setup#collector=https%3A%2F%2Fcollector.example.org&agency=hackney-council&token=dst_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M).unwrap();
        let colors = code.to_colors();
        let path = dark_path(&colors, code.width());
        assert_eq!(painted(&path, code.width()), colors);
        let markup = svg(link, "QR code of the set-up link")
            .unwrap()
            .into_string();
        let side = code.width() + 2 * QUIET;
        assert!(
            markup.contains(&format!("viewBox=\"0 0 {side} {side}\"")),
            "{markup}"
        );
        assert!(markup.contains("role=\"img\" aria-label=\"QR code of the set-up link\""));
        assert!(markup.contains("<title>QR code of the set-up link</title>"));
        assert!(
            !markup.contains("dst_"),
            "the token is in the modules, not the markup"
        );
    }

    #[test]
    fn its_name_is_escaped() {
        let markup = svg("x", "<b>\"name\"</b>").unwrap().into_string();
        assert!(!markup.contains("<b>"), "{markup}");
        assert!(markup.contains("&lt;b&gt;"), "{markup}");
    }
}
