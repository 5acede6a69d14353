//! Turning a target column into what a task trains on: numbers for a
//! regression, class indices (with their labels) for a classification,
//! inferring the task when it is obvious.

use super::DataError;
use crate::model::Task;

/// A target column as read.
#[derive(Debug)]
pub struct TargetColumn {
    /// The column's name.
    pub name: String,
    /// Its cells as text.
    pub cells: Vec<String>,
    /// Its cells as numbers, or the first cell that is not one.
    pub numbers: Result<Vec<f64>, DataError>,
}

/// A target encoded for a task.
#[derive(Debug, PartialEq)]
pub struct Encoded {
    /// The task.
    pub task: Task,
    /// The class labels by index (empty for a regression).
    pub classes: Vec<String>,
    /// Each example's value (regression) or class index.
    pub y: Vec<f64>,
}

/// The largest number of distinct integer values for which an integer
/// target would be a plausible set of classes (so the task is not obvious).
const MAX_AMBIGUOUS_CLASSES: usize = 20;

/// Encodes `target` for `task`, or for the task it obviously calls for:
/// text or two distinct values mean classes (binary for two, multiclass
/// for more); numbers with a fraction, or many distinct integers, mean a
/// regression. A few distinct integers are ambiguous: an error asks for
/// `--task`.
pub fn encode(target: TargetColumn, task: Option<Task>) -> Result<Encoded, DataError> {
    let classes = class_labels(&target);
    let n = classes.len();
    let task_error = |message: String, help: &str| DataError::Task {
        message,
        help: Some(help.to_string()),
    };
    let task = match task {
        Some(t) => t,
        None => match &target.numbers {
            _ if n < 2 => {
                return Err(task_error(
                    format!(
                        "the target `{}` has a single value: nothing to learn",
                        target.name
                    ),
                    "choose another --target",
                ))
            }
            _ if n == 2 => Task::Binary,
            Err(_) => Task::Multiclass,
            Ok(v) if v.iter().any(|x| x.fract() != 0.0) || n > MAX_AMBIGUOUS_CLASSES => {
                Task::Regression
            }
            Ok(_) => {
                return Err(task_error(
                    format!(
                        "cannot tell the task from the target `{}`: it has {n} distinct integer \
                         values, which could be classes or quantities",
                        target.name
                    ),
                    "say which with --task multiclass or --task regression",
                ))
            }
        },
    };
    match task {
        Task::Regression => Ok(Encoded {
            task,
            classes: vec![],
            y: target.numbers?,
        }),
        Task::Binary | Task::Multiclass => {
            if task == Task::Binary && n != 2 {
                return Err(task_error(
                    format!(
                        "--task binary needs exactly two classes, but the target `{}` has {n}{}",
                        target.name,
                        preview(&classes)
                    ),
                    if n > 2 {
                        "use --task multiclass"
                    } else {
                        "choose another --target"
                    },
                ));
            }
            if n < 2 {
                return Err(task_error(
                    format!(
                        "the target `{}` has a single class: nothing to learn",
                        target.name
                    ),
                    "choose another --target",
                ));
            }
            let y = target
                .cells
                .iter()
                .map(|c| {
                    classes
                        .iter()
                        .position(|l| label_matches(l, c, &target))
                        .unwrap() as f64
                })
                .collect();
            Ok(Encoded { task, classes, y })
        }
    }
}

/// The distinct values of the target, sorted: numerically (written as
/// numbers, `1` not `1.0`) if they are all numbers, else as text.
fn class_labels(target: &TargetColumn) -> Vec<String> {
    match &target.numbers {
        Ok(v) => {
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            sorted.dedup();
            sorted.iter().map(|x| x.to_string()).collect()
        }
        Err(_) => {
            let mut labels = target.cells.clone();
            labels.sort();
            labels.dedup();
            labels
        }
    }
}

fn label_matches(label: &str, cell: &str, target: &TargetColumn) -> bool {
    match &target.numbers {
        Ok(_) => cell.parse::<f64>().map(|x| x.to_string()).as_deref() == Ok(label),
        Err(_) => cell == label,
    }
}

/// `: a, b, c` (at most 5 shown).
fn preview(classes: &[String]) -> String {
    let shown: Vec<&str> = classes.iter().take(5).map(String::as_str).collect();
    let more = if classes.len() > 5 { ", ..." } else { "" };
    format!(": {}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(cells: &[&str]) -> TargetColumn {
        let numbers: Option<Vec<f64>> = cells.iter().map(|c| c.parse().ok()).collect();
        TargetColumn {
            name: "t".into(),
            cells: cells.iter().map(|c| c.to_string()).collect(),
            numbers: numbers.ok_or(DataError::Task {
                message: "text".into(),
                help: None,
            }),
        }
    }

    #[test]
    fn obvious_tasks_are_inferred() {
        let e = encode(column(&["1", "0", "1.0"]), None).unwrap();
        assert_eq!(
            (e.task, e.classes.clone(), e.y),
            (
                Task::Binary,
                vec!["0".into(), "1".into()],
                vec![1.0, 0.0, 1.0]
            )
        );
        let e = encode(column(&["cat", "dog", "emu", "cat"]), None).unwrap();
        assert_eq!((e.task, e.y), (Task::Multiclass, vec![0.0, 1.0, 2.0, 0.0]));
        let e = encode(column(&["0.5", "1.25", "3"]), None).unwrap();
        assert_eq!((e.task, e.y), (Task::Regression, vec![0.5, 1.25, 3.0]));
    }

    #[test]
    fn ambiguous_and_contradictory_targets_are_errors() {
        let err = encode(column(&["1", "2", "3"]), None).unwrap_err();
        assert!(
            err.report()
                .contains("--task multiclass or --task regression"),
            "{}",
            err.report()
        );
        let e = encode(column(&["1", "2", "3"]), Some(Task::Multiclass)).unwrap();
        assert_eq!(e.classes, ["1", "2", "3"]);
        let err = encode(column(&["a", "b", "c"]), Some(Task::Binary)).unwrap_err();
        assert!(err.to_string().contains("has 3: a, b, c"), "{err}");
        assert!(encode(column(&["a", "b"]), Some(Task::Regression)).is_err());
        assert!(encode(column(&["a", "a"]), None).is_err());
    }
}
