//! The loss curve: training and validation loss per epoch.

use plotters::prelude::*;

use super::{ensure_font, padded_range, plot_error, FONT};
use crate::error::CliError;
use crate::fit::EpochRecord;

/// An SVG of the training (and validation) loss per epoch, on a log scale
/// when the loss spans more than a factor of 20.
pub fn loss_curve_svg(history: &[EpochRecord], title: &str) -> Result<String, CliError> {
    ensure_font()?;
    let err = plot_error("loss curve");
    let train: Vec<(f64, f64)> = history
        .iter()
        .map(|r| (r.epoch as f64, r.train_loss))
        .collect();
    let val: Vec<(f64, f64)> = history
        .iter()
        .filter_map(|r| r.val.as_ref().map(|v| (r.epoch as f64, v.loss)))
        .collect();
    let losses = || {
        train
            .iter()
            .chain(&val)
            .map(|p| p.1)
            .filter(|l| l.is_finite())
    };
    let (lo, hi) = losses().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), l| {
        (a.min(l), b.max(l))
    });
    let epochs = history.len().max(2) as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 500)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut builder = ChartBuilder::on(&root);
        builder
            .caption(title, (FONT, 22))
            .margin(20)
            .x_label_area_size(45)
            .y_label_area_size(75);
        let line = |chart_points: &[(f64, f64)], color: RGBColor| {
            LineSeries::new(chart_points.to_vec(), color.stroke_width(2))
        };
        let log = lo > 0.0 && hi / lo > 20.0;
        macro_rules! draw {
            ($chart:expr) => {{
                let mut chart = $chart.map_err(|e| err(&e))?;
                chart
                    .configure_mesh()
                    .x_desc("epoch")
                    .y_desc(if log { "loss (log scale)" } else { "loss" })
                    .label_style((FONT, 14))
                    .x_label_formatter(&|v| format!("{v:.0}"))
                    .y_label_formatter(&|v| short_number(*v))
                    .y_labels(8)
                    .light_line_style(TRANSPARENT)
                    .bold_line_style(BLACK.mix(0.12))
                    .draw()
                    .map_err(|e| err(&e))?;
                chart
                    .draw_series(line(&train, super::class_color(0)))
                    .map_err(|e| err(&e))?
                    .label("training loss")
                    .legend(|(x, y)| {
                        PathElement::new(
                            [(x, y), (x + 20, y)],
                            super::class_color(0).stroke_width(2),
                        )
                    });
                if !val.is_empty() {
                    chart
                        .draw_series(line(&val, super::class_color(1)))
                        .map_err(|e| err(&e))?
                        .label("validation loss")
                        .legend(|(x, y)| {
                            PathElement::new(
                                [(x, y), (x + 20, y)],
                                super::class_color(1).stroke_width(2),
                            )
                        });
                }
                super::draw_legend(&mut chart).map_err(|e| err(&e))?;
            }};
        }
        if log {
            draw!(builder.build_cartesian_2d(1.0..epochs, (lo * 0.8..hi * 1.25).log_scale()));
        } else {
            let (a, b) = padded_range(losses(), 0.05);
            draw!(builder.build_cartesian_2d(1.0..epochs, a.min(0.0)..b));
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

/// A tick label with three significant digits and no trailing zeros.
fn short_number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::short_number;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(short_number(0.6000000000001), "0.6");
        assert_eq!(short_number(0.0123456), "0.0123");
        assert_eq!(short_number(12.5), "12.5");
        assert_eq!(short_number(1500.0), "1500");
        assert_eq!(short_number(0.0), "0");
    }
}
