//! SVG plots drawn with plotters into strings in memory.
//!
//! Text is written as SVG `<text>` elements with a generic `sans-serif` family: the browser
//! picks the font, nothing depends on fonts installed where the report is generated (plotters'
//! built-in layout estimate is used, no font files are read). Every plot shows aggregates only —
//! group means, replicate histograms, coefficients — never individual data points.

use crate::error::ReportError;
use crate::i18n::{Language, fmt_num, msg};
use crate::model::{
    BalanceRow, BootstrapPlot, CounterfactualDoc, EventCoefficient, PeriodPoint, PowerSection,
    Scale,
};
use effekt_contract::ContractEvaluation;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type PlotResult = Result<(), Box<dyn std::error::Error>>;

/// Colour of the treated group's observed outcome.
pub const TREATED: RGBColor = RGBColor(31, 95, 168);
/// Colour of the counterfactual.
pub const COUNTERFACTUAL: RGBColor = RGBColor(217, 119, 6);
/// Colour of the comparison group.
pub const CONTROL: RGBColor = RGBColor(120, 120, 120);
/// The comparison group before matching or weighting.
pub const CONTROL_UNADJUSTED: RGBColor = RGBColor(190, 190, 190);
const GRID: RGBColor = RGBColor(225, 225, 225);
const NO_LINE: RGBAColor = RGBAColor(255, 255, 255, 0.0);
const FONT: &str = "sans-serif";

fn draw(
    name: &str,
    size: (u32, u32),
    label: &str,
    f: impl FnOnce(&Area<'_>) -> PlotResult,
) -> Result<String, ReportError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        let run = || -> PlotResult {
            root.fill(&WHITE)?;
            f(&root)?;
            root.present()?;
            Ok(())
        };
        run().map_err(|e| ReportError::Plot {
            plot: name.to_string(),
            message: e.to_string(),
        })?;
    }
    Ok(finish_svg(&buf, label))
}

/// Which grid lines a chart draws: both, only horizontal ones (vertical bars, histograms) or
/// only vertical ones (horizontal bars, one row per item).
#[derive(Clone, Copy)]
enum Grid {
    Both,
    Horizontal,
    Vertical,
}

/// What differs between the report's charts; everything else (margin, grid colour, fonts) is
/// the same for all of them.
struct Axes<'f> {
    /// Label areas in pixels: below the x axis, left of the y axis.
    area: (u32, u32),
    grid: Grid,
    /// Number of axis labels (`None`: plotters' default; `Some(0)`: none).
    x_labels: Option<usize>,
    y_labels: Option<usize>,
    x_desc: Option<String>,
    y_desc: Option<String>,
    x_fmt: Option<&'f dyn Fn(&f64) -> String>,
    y_fmt: Option<&'f dyn Fn(&f64) -> String>,
    /// Font size of the tick labels.
    label_size: u32,
}

impl<'f> Axes<'f> {
    /// A line or point chart: both grids, described and formatted axes.
    fn xy(
        x_desc: String,
        y_desc: String,
        x_fmt: &'f dyn Fn(&f64) -> String,
        y_fmt: &'f dyn Fn(&f64) -> String,
    ) -> Self {
        Self {
            area: (40, 64),
            grid: Grid::Both,
            x_labels: None,
            y_labels: None,
            x_desc: Some(x_desc),
            y_desc: Some(y_desc),
            x_fmt: Some(x_fmt),
            y_fmt: Some(y_fmt),
            label_size: 14,
        }
    }

    /// Horizontal bars, one row per item (labelled by the caller, so no y labels).
    fn rows(area: (u32, u32), x_desc: String, x_fmt: &'f dyn Fn(&f64) -> String) -> Self {
        Self {
            area,
            grid: Grid::Vertical,
            x_labels: None,
            y_labels: Some(0),
            x_desc: Some(x_desc),
            y_desc: None,
            x_fmt: Some(x_fmt),
            y_fmt: None,
            label_size: 13,
        }
    }
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Clamped, Clamped>>;

/// An f64 axis that clamps a value far outside its range to a band of four range widths on
/// either side before mapping it to pixels. The drawing looks the same (the SVG clips anything
/// outside the plot area), but a value such as −9.2·10¹⁸ on a 1–5 axis no longer overflows
/// plotters' `i32` pixel arithmetic (a panic, found by the CLI fuzz target).
struct Clamped(RangedCoordf64);

impl Clamped {
    fn new(r: std::ops::Range<f64>) -> Self {
        Self(r.into())
    }
}

impl Ranged for Clamped {
    type FormatOption = plotters::coord::ranged1d::NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let r = self.0.range();
        let band = 4.0 * (r.end - r.start).abs();
        let v = if value.is_finite() && band.is_finite() {
            value.clamp(r.start.min(r.end) - band, r.start.max(r.end) + band)
        } else {
            *value
        };
        self.0.map(&v, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        self.0.key_points(hint)
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.0.range()
    }
}

impl plotters::coord::ranged1d::ValueFormatter<f64> for Clamped {
    fn format(value: &f64) -> String {
        RangedCoordf64::format(value)
    }
}

/// A chart on `root` over `x` × `y` with its mesh drawn in the report's style.
fn chart<'a, 'b>(
    root: &'a Area<'b>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    axes: &Axes<'_>,
) -> Result<Chart<'a, 'b>, Box<dyn std::error::Error>> {
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(axes.area.0)
        .y_label_area_size(axes.area.1)
        .build_cartesian_2d(Clamped::new(x), Clamped::new(y))?;
    let mut mesh = chart.configure_mesh();
    match axes.grid {
        Grid::Both => {}
        Grid::Horizontal => {
            mesh.disable_x_mesh();
        }
        Grid::Vertical => {
            mesh.disable_y_mesh();
        }
    }
    mesh.light_line_style(NO_LINE).bold_line_style(GRID);
    if let Some(n) = axes.x_labels {
        mesh.x_labels(n);
    }
    if let Some(n) = axes.y_labels {
        mesh.y_labels(n);
    }
    if let Some(d) = &axes.x_desc {
        mesh.x_desc(d.clone());
    }
    if let Some(d) = &axes.y_desc {
        mesh.y_desc(d.clone());
    }
    if let Some(f) = axes.x_fmt {
        mesh.x_label_formatter(f);
    }
    if let Some(f) = axes.y_fmt {
        mesh.y_label_formatter(f);
    }
    mesh.label_style((FONT, axes.label_size))
        .axis_desc_style((FONT, 14))
        .draw()?;
    Ok(chart)
}

/// Black text in the plot font, `size` pixels high, at `at` in chart coordinates, anchored at
/// its `h`/`v` edge (e.g. right-centre for a row label left of the axis).
fn text_at(
    text: String,
    at: (f64, f64),
    size: i32,
    h: HPos,
    v: VPos,
) -> Text<'static, (f64, f64), String> {
    Text::new(
        text,
        at,
        (FONT, size).into_font().color(&BLACK).pos(Pos::new(h, v)),
    )
}

/// Make the SVG scale with the page and carry an accessible label.
fn finish_svg(svg: &str, label: &str) -> String {
    let escaped = crate::render::escape(label);
    match svg.find("<svg") {
        Some(pos) => {
            let (head, tail) = svg.split_at(pos + 4);
            format!(
                "{head} role=\"img\" aria-label=\"{escaped}\" preserveAspectRatio=\"xMidYMid meet\" class=\"plot\"{tail}"
            )
        }
        None => svg.to_string(),
    }
}

/// Shorten a label drawn beside a plot to `max` characters.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Padded range around values.
fn range(values: impl Iterator<Item = f64>, include_zero: bool) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        let pad = if lo.abs() > 1e-12 {
            lo.abs() * 0.1
        } else {
            1.0
        };
        return (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.08;
    (lo - pad, hi + pad)
}

fn fmt_axis(x: f64, scale: &Scale, lang: Language) -> String {
    let v = x * scale.display_factor;
    let span_decimals = if scale.decimals == 0 {
        0
    } else {
        scale.decimals.min(2)
    } as usize;
    fmt_num(v, span_decimals, lang)
}

/// Bars: treated observed, treated counterfactual, comparison group, each labelled with its
/// value.
///
/// # Errors
/// [`ReportError::Plot`] if drawing fails.
pub fn counterfactual_bars(
    cf: &CounterfactualDoc,
    scale: &Scale,
    lang: Language,
) -> Result<String, ReportError> {
    // (matching and weighting: the comparison group after and before adjustment)
    let mut names = vec![
        msg::OBSERVED_TREATED.get(lang).to_string(),
        msg::COUNTERFACTUAL_SHORT.get(lang).to_string(),
    ];
    let mut values = vec![cf.treated_observed, cf.treated_counterfactual, cf.control];
    let mut colors = vec![TREATED, COUNTERFACTUAL, CONTROL];
    match cf.control_unadjusted {
        Some(raw) => {
            names.push(msg::CONTROL_ADJUSTED_SHORT.get(lang).to_string());
            names.push(msg::CONTROL_UNADJUSTED_SHORT.get(lang).to_string());
            values.push(raw);
            colors.push(CONTROL_UNADJUSTED);
        }
        None => names.push(msg::CONTROL.get(lang).to_string()),
    }
    let bars = values.len() as f64;
    let all: Vec<f64> = values.clone();
    let maxv = all
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let minv = all
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    let (lo, hi, base) = if scale.display_factor == 100.0 {
        (0.0, (maxv * 1.2).min(1.0).max(maxv * 1.08).max(0.05), 0.0)
    } else if let Some([a, b]) = scale.range {
        (a.min(minv), b.max(maxv), a.min(minv))
    } else {
        let (l, h) = range(all.iter().copied(), true);
        (l, h, 0.0)
    };
    let label = msg::OBSERVED_VS_CF.get(lang).to_string();
    draw("counterfactual", (640, 340), &label, |root| {
        let mut chart = chart(
            root,
            0f64..bars,
            lo..hi,
            &Axes {
                area: (36, 64),
                grid: Grid::Horizontal,
                x_labels: Some(0),
                y_labels: None,
                x_desc: None,
                y_desc: Some(scale.level_unit.clone()),
                x_fmt: None,
                y_fmt: Some(&|y| fmt_axis(*y, scale, lang)),
                label_size: 14,
            },
        )?;
        for (i, ((v, c), name)) in values.iter().zip(colors).zip(&names).enumerate() {
            let x = i as f64;
            if i == 1 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.18, base), (x + 0.82, *v)],
                    c.mix(0.35).filled(),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.18, base), (x + 0.82, *v)],
                    c.stroke_width(2),
                )))?;
            } else {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.18, base), (x + 0.82, *v)],
                    c.filled(),
                )))?;
            }
            chart.draw_series(std::iter::once(text_at(
                format!("{}{}", fmt_axis(*v, scale, lang), level_suffix(scale)),
                (x + 0.5, *v + (hi - lo) * 0.04),
                15,
                HPos::Center,
                VPos::Bottom,
            )))?;
            chart.draw_series(std::iter::once(text_at(
                name.clone(),
                (x + 0.5, lo - (hi - lo) * 0.025),
                13,
                HPos::Center,
                VPos::Top,
            )))?;
        }
        Ok(())
    })
}

fn level_suffix(scale: &Scale) -> &'static str {
    if scale.display_factor == 100.0 {
        " %"
    } else {
        ""
    }
}

/// Lines over the waves: treated observed (solid), counterfactual (dashed), comparison group
/// (thin grey), with the effect drawn as a vertical segment at each wave. The legend is left to
/// the document (HTML keys under the figure), so it never hides data.
///
/// # Errors
/// [`ReportError::Plot`] if drawing fails.
pub fn trajectory(
    points: &[PeriodPoint],
    scale: &Scale,
    period_label: &str,
    lang: Language,
) -> Result<String, ReportError> {
    let shown: Vec<&PeriodPoint> = points
        .iter()
        .filter(|p| !p.suppressed && p.treated_observed.is_some())
        .collect();
    let (xlo, xhi) = range(shown.iter().map(|p| p.period), false);
    let (mut ylo, mut yhi) = range(
        shown.iter().flat_map(|p| {
            [p.treated_observed, p.treated_counterfactual, p.control]
                .into_iter()
                .flatten()
        }),
        scale.display_factor == 100.0,
    );
    if scale.display_factor == 100.0 {
        ylo = ylo.max(0.0);
        yhi = yhi.min(1.0);
    } else if let Some([a, b]) = scale.range {
        ylo = ylo.max(a);
        yhi = yhi.min(b);
    }
    let label = msg::OVER_TIME.get(lang).to_string();
    draw("trajectory", (640, 360), &label, |root| {
        let mut chart = chart(
            root,
            xlo..xhi,
            ylo..yhi,
            &Axes {
                x_labels: Some(shown.len().clamp(2, 12)),
                ..Axes::xy(
                    period_label.to_string(),
                    scale.level_unit.clone(),
                    &|x| crate::i18n::fmt_period(*x, lang),
                    &|y| fmt_axis(*y, scale, lang),
                )
            },
        )?;
        let obs: Vec<(f64, f64)> = shown
            .iter()
            .filter_map(|p| p.treated_observed.map(|v| (p.period, v)))
            .collect();
        let cf: Vec<(f64, f64)> = shown
            .iter()
            .filter_map(|p| p.treated_counterfactual.map(|v| (p.period, v)))
            .collect();
        let ctl: Vec<(f64, f64)> = shown
            .iter()
            .filter_map(|p| p.control.map(|v| (p.period, v)))
            .collect();
        for p in &shown {
            if let (Some(a), Some(b)) = (p.treated_observed, p.treated_counterfactual) {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(p.period, a), (p.period, b)],
                    BLACK.mix(0.5).stroke_width(1),
                )))?;
            }
        }
        chart.draw_series(LineSeries::new(ctl, CONTROL.stroke_width(1)))?;
        chart.draw_series(DashedLineSeries::new(
            cf.clone(),
            7,
            5,
            COUNTERFACTUAL.stroke_width(3),
        ))?;
        chart.draw_series(
            cf.iter()
                .map(|&(x, y)| Circle::new((x, y), 4, COUNTERFACTUAL.filled())),
        )?;
        chart.draw_series(LineSeries::new(obs.clone(), TREATED.stroke_width(3)))?;
        chart.draw_series(
            obs.iter()
                .map(|&(x, y)| Circle::new((x, y), 4, TREATED.filled())),
        )?;
        Ok(())
    })
}

/// Histogram of bootstrap replicates with the estimate (solid) and CI (dashed).
///
/// # Errors
/// [`ReportError::Plot`] if drawing fails.
pub fn bootstrap_histogram(
    p: &BootstrapPlot,
    scale: &Scale,
    lang: Language,
) -> Result<String, ReportError> {
    let first = p.edges.first().copied().unwrap_or(0.0);
    let last = p.edges.last().copied().unwrap_or(1.0);
    let (xlo, xhi) = range(
        [first, last, p.conf_low, p.conf_high, p.estimate].into_iter(),
        false,
    );
    let ymax = p.counts.iter().copied().max().unwrap_or(1) as f64 * 1.1;
    let label = msg::BOOTSTRAP_DIST.get(lang).to_string();
    draw("bootstrap", (640, 300), &label, |root| {
        let mut chart = chart(
            root,
            xlo..xhi,
            0f64..ymax.max(1.0),
            &Axes {
                grid: Grid::Horizontal,
                ..Axes::xy(
                    format!("{} ({})", msg::EFFECT.get(lang), scale.effect_unit),
                    msg::REPLICATES_AXIS.get(lang).to_string(),
                    &|x| fmt_axis(*x, scale, lang),
                    &|y| fmt_num(*y, 0, lang),
                )
            },
        )?;
        chart.draw_series(p.edges.windows(2).zip(&p.counts).map(|(w, &c)| {
            Rectangle::new([(w[0], 0.0), (w[1], c as f64)], TREATED.mix(0.45).filled())
        }))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(p.estimate, 0.0), (p.estimate, ymax)],
            BLACK.stroke_width(2),
        )))?;
        for x in [p.conf_low, p.conf_high] {
            chart.draw_series(DashedLineSeries::new(
                vec![(x, 0.0), (x, ymax)],
                6,
                4,
                COUNTERFACTUAL.stroke_width(2),
            ))?;
        }
        Ok(())
    })
}

/// Love plot: |SMD| per covariate before (hollow) and after (filled), threshold 0.1 dashed.
///
/// # Errors
/// [`ReportError::Plot`] if drawing fails.
pub fn love_plot(rows: &[BalanceRow], lang: Language) -> Result<String, ReportError> {
    let n = rows.len().max(1);
    let height = (60 + 28 * n as u32).min(1200);
    let xmax = rows
        .iter()
        .flat_map(|r| [r.smd_before, r.smd_after].into_iter().flatten())
        .map(f64::abs)
        .fold(0.15, f64::max)
        * 1.1;
    let label = msg::BALANCE.get(lang).to_string();
    draw("love", (640, height + 40), &label, |root| {
        let mut chart = chart(
            root,
            0f64..xmax,
            0f64..n as f64,
            &Axes::rows((40, 200), format!("|{}|", msg::SMD.get(lang)), &|x| {
                fmt_num(*x, 2, lang)
            }),
        )?;
        chart.draw_series(DashedLineSeries::new(
            vec![(0.1, 0.0), (0.1, n as f64)],
            6,
            4,
            BLACK.mix(0.6).stroke_width(1),
        ))?;
        for (i, r) in rows.iter().enumerate() {
            let y = n as f64 - i as f64 - 0.5;
            chart.draw_series(std::iter::once(text_at(
                shorten(&r.covariate, 30),
                (-xmax * 0.015, y),
                13,
                HPos::Right,
                VPos::Center,
            )))?;
            if let Some(b) = r.smd_before {
                chart.draw_series(std::iter::once(Circle::new(
                    (b.abs(), y),
                    5,
                    CONTROL.stroke_width(2),
                )))?;
            }
            if let Some(a) = r.smd_after {
                chart.draw_series(std::iter::once(Circle::new(
                    (a.abs(), y),
                    5,
                    TREATED.filled(),
                )))?;
            }
        }
        Ok(())
    })
}

/// Event-study coefficients with CIs.
///
/// # Errors
/// [`ReportError::Plot`] if drawing fails.
pub fn event_study(
    coefs: &[EventCoefficient],
    scale: &Scale,
    lang: Language,
) -> Result<String, ReportError> {
    let (xlo, xhi) = range(coefs.iter().map(|c| c.event_time as f64), false);
    let (ylo, yhi) = range(
        coefs.iter().flat_map(|c| {
            [Some(c.estimate), c.conf_low, c.conf_high]
                .into_iter()
                .flatten()
        }),
        true,
    );
    let label = msg::EVENT_STUDY.get(lang).to_string();
    draw("event study", (640, 340), &label, |root| {
        let mut chart = chart(
            root,
            (xlo - 0.5)..(xhi + 0.5),
            ylo..yhi,
            &Axes::xy(
                msg::EVENT_TIME.get(lang).to_string(),
                format!("{} ({})", msg::EFFECT.get(lang), scale.effect_unit),
                &|x| fmt_num(*x, 0, lang),
                &|y| fmt_axis(*y, scale, lang),
            ),
        )?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(xlo - 0.5, 0.0), (xhi + 0.5, 0.0)],
            BLACK.mix(0.6).stroke_width(1),
        )))?;
        for c in coefs {
            let x = c.event_time as f64;
            if let (Some(a), Some(b)) = (c.conf_low, c.conf_high) {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, a), (x, b)],
                    TREATED.stroke_width(2),
                )))?;
            }
            let color = if c.reference { CONTROL } else { TREATED };
            chart.draw_series(std::iter::once(Circle::new(
                (x, c.estimate),
                5,
                color.filled(),
            )))?;
        }
        Ok(())
    })
}

/// Power by units per arm, with the wanted power as a dashed line.
///
/// # Errors
/// [`ReportError::Plot`] if drawing fails.
pub fn power_curve(p: &PowerSection, lang: Language) -> Result<String, ReportError> {
    let (xlo, xhi) = range(p.curve.iter().map(|c| c[0]), false);
    let label = msg::POWER.get(lang).to_string();
    draw("power", (640, 320), &label, |root| {
        let mut chart = chart(
            root,
            xlo.max(0.0)..xhi,
            0f64..1.02f64,
            &Axes::xy(
                msg::N_PER_ARM.get(lang).to_string(),
                msg::POWER_AXIS.get(lang).to_string(),
                &|x| fmt_num(*x, 0, lang),
                &|y| fmt_num(*y, 1, lang),
            ),
        )?;
        chart.draw_series(DashedLineSeries::new(
            vec![(xlo.max(0.0), p.power), (xhi, p.power)],
            6,
            4,
            COUNTERFACTUAL.stroke_width(2),
        ))?;
        chart.draw_series(LineSeries::new(
            p.curve.iter().map(|c| (c[0], c[1])),
            TREATED.stroke_width(3),
        ))?;
        Ok(())
    })
}

/// Threshold probabilities as horizontal bars.
///
/// # Errors
/// [`ReportError::Plot`] if drawing fails.
pub fn contract_thresholds(
    eval: &ContractEvaluation,
    lang: Language,
) -> Result<String, ReportError> {
    let bars = &eval.plot.threshold_probabilities;
    let n = bars.len().max(1);
    let label = msg::PLOT_THRESHOLDS_CAPTION.get(lang).to_string();
    draw(
        "contract thresholds",
        (640, 60 + 36 * n as u32),
        &label,
        |root| {
            let mut chart = chart(
                root,
                0f64..1f64,
                0f64..n as f64,
                &Axes::rows(
                    (36, 260),
                    msg::PROBABILITY_MET.get(lang).to_string(),
                    &|x| format!("{} %", fmt_num(x * 100.0, 0, lang)),
                ),
            )?;
            for (i, b) in bars.iter().enumerate() {
                let y = n as f64 - i as f64;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.8), (b.probability, y - 0.2)],
                    TREATED.filled(),
                )))?;
                chart.draw_series(std::iter::once(text_at(
                    shorten(&b.label, 40),
                    (-0.012, y - 0.5),
                    12,
                    HPos::Right,
                    VPos::Center,
                )))?;
            }
            Ok(())
        },
    )
}

/// Distribution of each party's payment over the replicates: one row per party and side, the
/// histogram as a strip, the expected payment (dot) and interval (whisker).
///
/// # Errors
/// [`ReportError::Plot`] if drawing fails.
pub fn contract_payments(eval: &ContractEvaluation, lang: Language) -> Result<String, ReportError> {
    let dists = &eval.plot.payment_distributions;
    let n = dists.len().max(1);
    let xmax = dists
        .iter()
        .map(|d| {
            d.histogram
                .edges
                .last()
                .copied()
                .unwrap_or(0.0)
                .max(d.conf_high)
        })
        .fold(1.0, f64::max)
        * 1.05;
    let label = msg::PLOT_CONTRACT_CAPTION.get(lang).to_string();
    let currency = eval.currency.clone();
    draw(
        "contract payments",
        (640, 60 + 48 * n as u32),
        &label,
        |root| {
            let mut chart = chart(
                root,
                0f64..xmax,
                0f64..n as f64,
                &Axes::rows(
                    (36, 180),
                    format!("{} ({currency})", msg::PAYMENT.get(lang)),
                    &|x| fmt_num(*x, 0, lang),
                ),
            )?;
            for (i, d) in dists.iter().enumerate() {
                let base = n as f64 - i as f64 - 1.0;
                let maxc = d.histogram.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
                for (w, &c) in d.histogram.edges.windows(2).zip(&d.histogram.counts) {
                    let h = 0.7 * c as f64 / maxc;
                    let (x0, x1) = if w[1] > w[0] {
                        (w[0], w[1])
                    } else {
                        (w[0] - xmax * 0.004, w[0] + xmax * 0.004)
                    };
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(x0, base + 0.1), (x1, base + 0.1 + h)],
                        TREATED.mix(0.4).filled(),
                    )))?;
                }
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(d.conf_low, base + 0.5), (d.conf_high, base + 0.5)],
                    BLACK.stroke_width(2),
                )))?;
                chart.draw_series(std::iter::once(Circle::new(
                    (d.mean, base + 0.5),
                    4,
                    COUNTERFACTUAL.filled(),
                )))?;
                let side = match d.side {
                    effekt_contract::Side::Pays => msg::PAYS.get(lang),
                    effekt_contract::Side::Receives => msg::RECEIVES.get(lang),
                };
                chart.draw_series(std::iter::once(text_at(
                    shorten(&format!("{} – {}", d.party, side.to_lowercase()), 28),
                    (-xmax * 0.012, base + 0.5),
                    12,
                    HPos::Right,
                    VPos::Center,
                )))?;
            }
            Ok(())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Count, ScaleKind};

    fn rating_scale() -> Scale {
        Scale {
            kind: ScaleKind::Points,
            display_factor: 1.0,
            decimals: 1,
            effect_unit: "points".into(),
            level_unit: "points".into(),
            range: Some([1.0, 5.0]),
        }
    }

    fn point(period: f64, observed: f64) -> PeriodPoint {
        PeriodPoint {
            period,
            suppressed: false,
            n_treated: Count::Exact(20),
            n_control: Count::Exact(20),
            treated_observed: Some(observed),
            treated_counterfactual: Some(3.0),
            control: Some(3.2),
            effect: Some(observed - 3.0),
        }
    }

    /// A mean far outside the axis (a mistyped −9223372036854775808 among 1–5 ratings) used
    /// to overflow plotters' pixel arithmetic and panic; it is drawn clipped instead.
    #[test]
    fn a_value_far_outside_the_axis_is_clipped_not_a_panic() {
        let points = [point(1.0, 3.5), point(2.0, -9.223_372_036_854_776e16)];
        for lang in [Language::En, Language::Sv] {
            let svg = trajectory(&points, &rating_scale(), "wave", lang).expect("drawn");
            assert!(svg.contains("<svg"), "{svg}");
        }
        let axis = Clamped::new(1.0..5.0);
        assert_eq!(axis.map(&-1e300, (0, 100)), axis.map(&-15.0, (0, 100)));
        assert_eq!(axis.map(&3.0, (0, 100)), 50);
        assert!(axis.map(&f64::NAN, (0, 100)) >= 0);
    }
}
