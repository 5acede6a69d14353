//! A two-feature classifier's decision regions, with the examples on top,
//! as a PNG.

use plotters::prelude::*;

use super::{class_color, ensure_font, padded_range, plot_error, FONT};
use crate::error::CliError;
use crate::model::{interpret, Model};

const WIDTH: u32 = 720;
const HEIGHT: u32 = 600;
/// Grid cells per axis at which the model is evaluated.
const CELLS: usize = 150;

/// A PNG of the regions where the model predicts each class (coloured by
/// class, paler where it is less sure) and the examples `x` (raw feature
/// rows) coloured by their class index in `labels`.
pub fn decision_boundary_png(
    model: &Model,
    x: &[f64],
    labels: &[usize],
) -> Result<Vec<u8>, CliError> {
    ensure_font()?;
    let err = plot_error("decision boundary");
    let (x0, x1) = padded_range(x.iter().step_by(2).copied(), 0.08);
    let (y0, y1) = padded_range(x.iter().skip(1).step_by(2).copied(), 0.08);
    let (dx, dy) = ((x1 - x0) / CELLS as f64, (y1 - y0) / CELLS as f64);
    let mut grid = Vec::with_capacity(2 * CELLS * CELLS);
    for j in 0..CELLS {
        for i in 0..CELLS {
            grid.extend([x0 + (i as f64 + 0.5) * dx, y0 + (j as f64 + 0.5) * dy]);
        }
    }
    let preds = interpret(model.spec.task, &model.outputs(&model.inputs(&grid)));
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("decision boundary ({} model)", model.shape_text()),
                (FONT, 22),
            )
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| err(&e))?;
        chart
            .draw_series(preds.iter().enumerate().map(|(k, p)| {
                let (i, j) = (k % CELLS, k / CELLS);
                let class = p.value as usize;
                let confidence = p.probabilities.get(class).copied().unwrap_or(1.0);
                let classes = p.probabilities.len().max(2) as f64;
                // 0 at chance, 1 when certain.
                let sure = ((confidence - 1.0 / classes) / (1.0 - 1.0 / classes)).clamp(0.0, 1.0);
                let color = pale(class_color(class), 0.15 + 0.45 * sure);
                let (a, b) = (x0 + i as f64 * dx, y0 + j as f64 * dy);
                Rectangle::new([(a, b), (a + dx, b + dy)], color.filled())
            }))
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(model.spec.features[0].as_str())
            .y_desc(model.spec.features[1].as_str())
            .label_style((FONT, 14))
            .draw()
            .map_err(|e| err(&e))?;
        for (class, name) in model.spec.classes.iter().enumerate() {
            let points = x
                .chunks(2)
                .zip(labels)
                .filter(|(_, &l)| l == class)
                .map(|(p, _)| (p[0], p[1]));
            let color = class_color(class);
            chart
                .draw_series(points.map(|p| {
                    EmptyElement::at(p)
                        + Circle::new((0, 0), 4, color.filled())
                        + Circle::new((0, 0), 4, BLACK.stroke_width(1))
                }))
                .map_err(|e| err(&e))?
                .label(format!("{} = {name}", model.spec.target))
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, color.filled()));
        }
        super::draw_legend(&mut chart).map_err(|e| err(&e))?;
        root.present().map_err(|e| err(&e))?;
    }
    encode_png(&pixels, WIDTH, HEIGHT)
}

/// `color` mixed with white: `amount` 0 is white, 1 the colour itself.
fn pale(color: RGBColor, amount: f64) -> RGBColor {
    let mix = |c: u8| (255.0 - (255.0 - c as f64) * amount).round() as u8;
    RGBColor(mix(color.0), mix(color.1), mix(color.2))
}

/// RGB pixels as PNG bytes.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, CliError> {
    let err = plot_error("decision boundary");
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| err(&e))?;
    writer.write_image_data(rgb).map_err(|e| err(&e))?;
    writer.finish().map_err(|e| err(&e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pale_mixes_towards_white() {
        assert_eq!(pale(RGBColor(0, 100, 255), 0.0), RGBColor(255, 255, 255));
        assert_eq!(pale(RGBColor(0, 100, 255), 1.0), RGBColor(0, 100, 255));
        assert_eq!(pale(RGBColor(55, 255, 255), 0.5), RGBColor(155, 255, 255));
    }

    #[test]
    fn png_bytes_start_with_the_signature() {
        let bytes = encode_png(&[255; 2 * 3 * 3], 2, 3).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    }
}
