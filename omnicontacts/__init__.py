"""omnicontacts: an omnichannel contact center backend that speaks Rocket.Chat's REST API."""

__version__ = "0.1.0"
