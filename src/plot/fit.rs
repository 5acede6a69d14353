//! A one-feature regression: the examples and the model's curve.

use plotters::prelude::*;

use super::{class_color, ensure_font, padded_range, plot_error, FONT};
use crate::error::CliError;
use crate::model::Model;

/// An SVG of the examples `(x, y)` and the model's prediction over the
/// range of `x` (raw feature values; the model standardises them itself).
pub fn regression_fit_svg(model: &Model, x: &[f64], y: &[f64]) -> Result<String, CliError> {
    ensure_font()?;
    let err = plot_error("regression fit");
    let (x0, x1) = padded_range(x.iter().copied(), 0.02);
    let grid: Vec<f64> = (0..=300)
        .map(|i| x0 + (x1 - x0) * i as f64 / 300.0)
        .collect();
    let out = model.outputs(&model.inputs(&grid));
    let curve: Vec<(f64, f64)> = grid
        .iter()
        .zip(out.data())
        .map(|(&a, &b)| (a, b as f64))
        .collect();
    let (y0, y1) = padded_range(y.iter().copied().chain(curve.iter().map(|p| p.1)), 0.05);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 500)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "{} against {}: examples and model",
                    model.spec.target, model.spec.features[0]
                ),
                (FONT, 22),
            )
            .margin(20)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc(model.spec.features[0].as_str())
            .y_desc(model.spec.target.as_str())
            .label_style((FONT, 14))
            .draw()
            .map_err(|e| err(&e))?;
        chart
            .draw_series(
                x.iter()
                    .zip(y)
                    .map(|(&a, &b)| Circle::new((a, b), 2, class_color(0).mix(0.5).filled())),
            )
            .map_err(|e| err(&e))?
            .label("examples")
            .legend(|(x, y)| Circle::new((x + 10, y), 3, class_color(0).filled()));
        chart
            .draw_series(LineSeries::new(curve, class_color(3).stroke_width(3)))
            .map_err(|e| err(&e))?
            .label("model")
            .legend(|(x, y)| {
                PathElement::new([(x, y), (x + 20, y)], class_color(3).stroke_width(3))
            });
        super::draw_legend(&mut chart).map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}
