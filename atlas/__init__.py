"""Plan Atlas: Chinese local-government plans as map layers."""

__version__ = "0.1.0"
