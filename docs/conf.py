"""Sphinx configuration: values only; the machinery lives in sphinx_portfolio."""

project = "Daize Dong"
author = "Daize Dong"
copyright = "Daize Dong"

extensions = [
    "myst_parser",
    "sphinx_portfolio",
    "sphinxext.opengraph",
    "notfound.extension",
]

# -- content --------------------------------------------------------------------
root_doc = "index"
exclude_patterns = ["_build", "_parts"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
nitpicky = True

# -- publications ---------------------------------------------------------------
bibtex_bibfiles = ["../refs.bib"]
bibtex_default_style = "portfolio"
bibtex_tooltips = False
portfolio_owner = "Daize Dong"
portfolio_position = "Incoming Ph.D. student in Computer Science"
portfolio_affiliation = "Rutgers University, New Brunswick"
portfolio_profiles = [
    {
        "label": "Email",
        "url": "mailto:dzdong2019@gmail.com",
        "text": "dzdong2019@gmail.com",
    },
    {
        "label": "Homepage",
        "url": "https://daizedong.github.io",
        "text": "daizedong.github.io",
    },
    {
        "label": "Google Scholar",
        "url": "https://scholar.google.com/citations?user=WESZ8YkAAAAJ",
        "text": "Daize Dong",
    },
    {"label": "GitHub", "url": "https://github.com/DaizeDong", "text": "DaizeDong"},
    {
        "label": "Hugging Face",
        "url": "https://huggingface.co/DaizeDong",
        "text": "DaizeDong",
    },
]
portfolio_person = {
    "affiliation": {
        "@type": "CollegeOrUniversity",
        "name": "Rutgers University, New Brunswick",
    },
    "alumniOf": {
        "@type": "CollegeOrUniversity",
        "name": "University of Electronic Science and Technology of China",
    },
}
portfolio_touch_icon = "apple-touch-icon.png"
portfolio_news = "news.toml"
portfolio_cv_doc = "cv"
portfolio_cv_paper = "A4"

# -- HTML -----------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Daize Dong"
# canonical URLs; on ReadTheDocs the project's own address replaces it
html_baseurl = "https://daizedong.github.io/"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_copy_source = False
html_show_sourcelink = False
# no index entries on this site: no genindex.html, written again on every build
html_use_index = False
# an explicit colour mode: without one the theme logs an error on a first visit
html_context = {"default_mode": "auto"}
html_sidebars = {
    "**": [
        "portfolio-site-title.html",
        "search-button-field.html",
        "portfolio-cv-link.html",
        "sbt-sidebar-nav.html",
    ]
}
html_theme_options = {
    # one search field (the sidebar's), not a second one in a header bar
    "navbar_persistent": [],
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
}

# -- metadata for search engines and social sites ----------------------------------
# Open Graph tags and a social card per page; DejaVu Sans ships with matplotlib
ogp_social_cards = {"font": "DejaVu Sans", "line_color": "#1f4e79"}
