//! `tapegrad predict`: a saved model's predictions for the rows of a CSV
//! file, written as CSV.

use std::io::Write;

use crate::cli::PredictArgs;
use crate::data;
use crate::error::CliError;
use crate::model::{interpret, Model, Task};
use crate::output::write_bytes_atomically;
use crate::say;

/// Runs the command.
pub fn run(args: &PredictArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let model = Model::load(&args.model)?;
    let spec = &model.spec;
    let (x, table, _) = data::load_features(&args.data, &spec.features, &spec.target)?;
    let preds = interpret(spec.task, &model.outputs(&model.inputs(&x)));

    let mut header: Vec<String> = spec.features.clone();
    header.push(format!("predicted_{}", spec.target));
    if spec.task.is_classification() {
        header.extend(spec.classes.iter().map(|c| format!("p_{c}")));
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| CliError::Stdout(std::io::Error::other(e.to_string()));
    writer.write_record(&header).map_err(csv_error)?;
    let f = spec.features.len();
    for (row, p) in preds.iter().enumerate() {
        let mut record: Vec<String> = x[row * f..(row + 1) * f]
            .iter()
            .map(|v| v.to_string())
            .collect();
        match spec.task {
            Task::Regression => record.push(p.value.to_string()),
            Task::Binary | Task::Multiclass => {
                record.push(spec.classes[p.value as usize].clone());
                record.extend(p.probabilities.iter().map(|q| format!("{q:.6}")));
            }
        }
        writer.write_record(&record).map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| CliError::Stdout(std::io::Error::other(e.to_string())))?;
    match &args.out {
        Some(path) => {
            write_bytes_atomically(path, &bytes)?;
            say!(
                out,
                "wrote {} predictions of `{}` to {}",
                table.rows.len(),
                spec.target,
                path.display()
            )
        }
        None => super::print(out, &String::from_utf8_lossy(&bytes)),
    }
}
