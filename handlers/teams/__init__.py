"""The Microsoft Teams door: Bot Framework activities in, the core's answers out as cards."""

import warnings

# The Teams SDK announces a preview feature we do not use on every import; operators need none
# of it in the start-up log.
warnings.filterwarnings("ignore", message=".*HtmlWidgetSecurityPolicy.*")
