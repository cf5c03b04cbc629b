#pragma once
// Reads a seed file, YAML or JSON (JSON is YAML, but a .json file is parsed as JSON
// for exact error positions), into one JSON document. YAML plain scalars become
// booleans, numbers or null where they read as such; quoted scalars stay strings.

#include <nlohmann/json.hpp>
#include <string>

#include "daemon/core/expected.hpp"

namespace aci::emulator {

Expected<nlohmann::json, std::string> read_seed_file(const std::string& path);
Expected<nlohmann::json, std::string> parse_seed_text(const std::string& text, bool json_only = false);

}  // namespace aci::emulator
