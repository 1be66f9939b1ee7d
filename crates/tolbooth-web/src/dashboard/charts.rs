//! Bar charts as SVG geometry, worked out here so that the template only
//! places shapes: stacked columns (one per day) and horizontal bars (one
//! per operator). Every chart is also a table on the page; the SVG is its
//! picture.

/// One part of a column: a series' value and where its rectangle goes.
pub struct Segment {
    pub class: &'static str,
    pub y: u32,
    pub height: u32,
}

/// One column: its label, its parts and its total above it.
pub struct Column {
    pub x: u32,
    /// The label's first line (`Mon`) and second (`30 Nov`).
    pub label: String,
    pub sublabel: String,
    pub segments: Vec<Segment>,
    pub total: u64,
    pub total_y: u32,
}

/// A line across the chart at a value.
pub struct Gridline {
    pub y: u32,
    pub label: u64,
}

pub struct Columns {
    pub width: u32,
    pub height: u32,
    /// The baseline's y.
    pub base: u32,
    pub bar_width: u32,
    pub columns: Vec<Column>,
    pub gridlines: Vec<Gridline>,
}

pub const WIDTH: u32 = 560;
const HEIGHT: u32 = 240;
const TOP: u32 = 24;
const BOTTOM: u32 = 40;
const LEFT: u32 = 40;

/// A round step for gridlines so that about four fit under `max`.
fn step_for(max: u64) -> u64 {
    let rough = max.div_ceil(4).max(1);
    let mut step = 1;
    while step < rough {
        step = match step.to_string().chars().next() {
            Some('1') => step * 2,
            Some('2') => step * 5 / 2,
            _ => step * 2,
        };
    }
    step
}

fn scaled(value: u64, max: u64, span: u32) -> u32 {
    if max == 0 {
        return 0;
    }
    u32::try_from(value.saturating_mul(u64::from(span)) / max).unwrap_or(span)
}

/// Stacked columns: `rows` are (label, value per series, in the order of
/// `classes`).
pub fn columns(rows: &[(String, Vec<u64>)], classes: &[&'static str]) -> Columns {
    let plot = HEIGHT - TOP - BOTTOM;
    let base = HEIGHT - BOTTOM;
    let max_total = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let step = step_for(max_total);
    let top_value = max_total.div_ceil(step).max(1) * step;
    let n = u32::try_from(rows.len().max(1)).unwrap_or(1);
    let slot = (WIDTH - LEFT) / n;
    let bar_width = slot * 3 / 5;
    let columns = rows
        .iter()
        .zip(0..)
        .map(|((label, values), i)| {
            let mut y = base;
            let mut segments = Vec::new();
            for (value, class) in values.iter().zip(classes) {
                let height = scaled(*value, top_value, plot);
                if height > 0 {
                    y -= height;
                    segments.push(Segment { class, y, height });
                }
            }
            let (label, sublabel) = label.split_once(' ').unwrap_or((label.as_str(), ""));
            Column {
                x: LEFT + i * slot + (slot - bar_width) / 2,
                label: label.to_owned(),
                sublabel: sublabel.to_owned(),
                segments,
                total: values.iter().sum(),
                total_y: y.saturating_sub(6),
            }
        })
        .collect();
    let gridlines = (0..=top_value / step)
        .map(|k| Gridline {
            y: base - scaled(k * step, top_value, plot),
            label: k * step,
        })
        .collect();
    Columns {
        width: WIDTH,
        height: HEIGHT,
        base,
        bar_width,
        columns,
        gridlines,
    }
}

/// One horizontal bar.
pub struct Bar {
    pub y: u32,
    pub label: String,
    pub width: u32,
    pub value: u64,
}

pub struct Bars {
    pub width: u32,
    pub height: u32,
    /// Where bars start (labels to the left of it).
    pub left: u32,
    pub bars: Vec<Bar>,
}

const BAR_HEIGHT: u32 = 28;

/// Horizontal bars, one per (label, value), in the order given.
pub fn bars(rows: &[(String, u64)]) -> Bars {
    let left = 170;
    let span = WIDTH - left - 50;
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let bars = rows
        .iter()
        .zip(0..)
        .map(|((label, value), i)| Bar {
            y: 8 + i * (BAR_HEIGHT + 8),
            label: label.clone(),
            width: scaled(*value, max, span).max(u32::from(*value > 0)),
            value: *value,
        })
        .collect();
    let n = u32::try_from(rows.len()).unwrap_or(0);
    Bars {
        width: WIDTH,
        height: 16 + n * (BAR_HEIGHT + 8),
        left,
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gridline_steps_are_round() {
        assert_eq!(step_for(0), 1);
        assert_eq!(step_for(3), 1);
        assert_eq!(step_for(9), 5);
        assert_eq!(step_for(40), 10);
        assert_eq!(step_for(170), 50);
    }

    #[test]
    fn columns_stack_from_the_baseline_and_the_tallest_fits() {
        let rows = vec![
            ("Mon".to_owned(), vec![6, 2, 0]),
            ("Tue".to_owned(), vec![0, 0, 0]),
            ("Wed".to_owned(), vec![3, 0, 1]),
        ];
        let c = columns(&rows, &["a", "b", "c"]);
        let mon = &c.columns[0];
        assert_eq!(mon.total, 8);
        assert_eq!(mon.segments.len(), 2);
        assert_eq!(mon.segments[0].y + mon.segments[0].height, c.base);
        assert_eq!(
            mon.segments[1].y + mon.segments[1].height,
            mon.segments[0].y
        );
        assert!(mon.segments[1].y >= TOP, "the tallest column fits");
        assert!(c.columns[1].segments.is_empty());
        assert!(c.columns[2].x > c.columns[1].x);
        assert_eq!(c.gridlines.last().map(|g| g.label), Some(8));
    }

    #[test]
    fn the_longest_bar_spans_the_chart_and_a_small_one_shows() {
        let b = bars(&[("Anna".into(), 100), ("Bryn".into(), 0), ("Cai".into(), 1)]);
        assert_eq!(b.bars[0].width, WIDTH - b.left - 50);
        assert_eq!(b.bars[1].width, 0);
        assert_eq!(b.bars[2].width, 3);
    }
}
