from services.kit.server import serve
from services.kit.settings import load_settings
from services.matching.app import MatchingSettings, build_app

serve(load_settings(MatchingSettings), build_app)
