//! The images training writes, drawn with plotters: the loss curve (SVG),
//! a classifier's decision boundary (PNG) and a regression's fit (SVG).
//!
//! Text is laid out with an embedded font (Liberation Sans, SIL Open Font
//! License, `src/plot/font/`), so no system font is needed; SVG files name
//! the family `sans-serif` and are shown with the viewer's font.

mod boundary;
mod fit;
mod loss;

use std::sync::OnceLock;

use plotters::chart::ChartContext;
use plotters::coord::CoordTranslate;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::DrawingBackend;
use plotters::style::{register_font, Color, FontStyle, RGBColor, BLACK, WHITE};

pub use boundary::decision_boundary_png;
pub use fit::regression_fit_svg;
pub use loss::loss_curve_svg;

use crate::error::CliError;

/// The font family every plot uses.
const FONT: &str = "sans-serif";

static FONT_BYTES: &[u8] = include_bytes!("font/LiberationSans-Regular.ttf");

/// Registers the embedded font with plotters (once).
fn ensure_font() -> Result<(), CliError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok());
    if ok {
        Ok(())
    } else {
        Err(CliError::Plot {
            what: "plots".into(),
            message: "the embedded font could not be read".into(),
        })
    }
}

/// A plotting error as a [`CliError`].
fn plot_error(what: &str) -> impl Fn(&dyn std::fmt::Display) -> CliError + '_ {
    move |e| CliError::Plot {
        what: what.to_string(),
        message: e.to_string(),
    }
}

/// Draws a chart's series legend in the style every plot shares.
fn draw_legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
}

/// The colour of class `i` (matplotlib's "tab10").
pub fn class_color(i: usize) -> RGBColor {
    const TAB10: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (214, 39, 40),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
    ];
    let (r, g, b) = TAB10[i % TAB10.len()];
    RGBColor(r, g, b)
}

/// The range `[min, max]` of `values`, widened by `margin` of its width on
/// each side (and made non-empty).
fn padded_range(values: impl Iterator<Item = f64>, margin: f64) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * margin).max(1e-3);
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_padded_and_never_empty() {
        assert_eq!(padded_range([0.0, 10.0].into_iter(), 0.1), (-1.0, 11.0));
        let (lo, hi) = padded_range([2.0].into_iter(), 0.1);
        assert!(lo < 2.0 && hi > 2.0);
        assert_eq!(padded_range(std::iter::empty(), 0.1), (0.0, 1.0));
    }
}
