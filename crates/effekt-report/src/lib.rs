//! Effect-versus-counterfactual reports: study files, runner, HTML/Markdown/JSON output with SVG plots, English and Swedish.
