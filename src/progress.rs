//! Showing training progress (an indicatif bar on a terminal, a few plain
//! lines on standard error otherwise, nothing with `--quiet`) and how long it took.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::fit::EpochRecord;

/// Where progress goes.
pub enum Progress {
    /// A progress bar on standard error (a terminal).
    Bar(ProgressBar),
    /// A line on standard error every `every` epochs.
    Lines {
        /// What is being trained.
        label: String,
        /// The number of epochs.
        total: usize,
        /// Print every this many epochs.
        every: usize,
    },
    /// Nothing.
    Quiet,
}

impl Progress {
    /// Progress over `total` epochs of training `label`.
    pub fn new(label: &str, total: usize, quiet: bool) -> Progress {
        if quiet {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "  {prefix} [{bar:30.cyan/blue}] epoch {pos}/{len} {msg} ({elapsed})",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar.set_prefix(label.to_string());
            Progress::Bar(bar)
        } else {
            Progress::Lines {
                label: label.to_string(),
                total,
                every: total.div_ceil(5).max(1),
            }
        }
    }

    /// Reports one epoch.
    pub fn epoch(&mut self, r: &EpochRecord) {
        let message = match &r.val {
            Some(v) => format!(
                "loss {:.4}  val loss {:.4}  val {}",
                r.train_loss,
                v.loss,
                v.metric_text()
            ),
            None => format!("loss {:.4}", r.train_loss),
        };
        self.report(r.epoch, &message);
    }

    /// Reports epoch `epoch` (from 1) with a message.
    pub fn report(&mut self, epoch: usize, message: &str) {
        match self {
            Progress::Bar(bar) => {
                bar.set_position(epoch as u64);
                bar.set_message(message.to_string());
            }
            Progress::Lines {
                label,
                total,
                every,
            } => {
                if epoch.is_multiple_of(*every) || epoch == *total {
                    eprintln!("  {label}: epoch {epoch}/{total}  {message}");
                }
            }
            Progress::Quiet => {}
        }
    }

    /// Ends the display (the bar stays on screen).
    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish();
        }
    }
}

/// A wall-clock duration for people: `43 ms` below a second, `2.4 s` above.
pub fn duration_text(d: std::time::Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 1.0 {
        format!("{:.0} ms", secs * 1e3)
    } else {
        format!("{secs:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn durations_read_naturally() {
        use std::time::Duration;
        assert_eq!(duration_text(Duration::from_micros(43_400)), "43 ms");
        assert_eq!(duration_text(Duration::from_micros(300)), "0 ms");
        assert_eq!(duration_text(Duration::from_millis(2_449)), "2.4 s");
    }
}
