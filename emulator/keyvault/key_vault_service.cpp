#include "emulator/keyvault/key_vault_service.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "emulator/keyvault/vault_urls.hpp"

namespace aci::emulator {

namespace beast_http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr std::string_view kAudience = "https://vault.azure.net";
constexpr std::string_view kRecoveryLevel = "Recoverable+Purgeable";
constexpr std::int64_t kRecoverableDays = 90;
constexpr std::size_t kMaxValueBytes = std::size_t{25} * 1024;
constexpr std::size_t kMaxTags = 15;
constexpr std::size_t kMaxTagNameLength = 512;
constexpr std::size_t kMaxTagValueLength = 256;
constexpr std::size_t kMaxSecretNameLength = 127;
constexpr int kDefaultPageSize = 25;

}  // namespace

struct SecretVersion {
  std::string id;  // 32 lowercase hex digits
  std::string value;
  std::optional<std::string> content_type;
  json tags = json::object();
  bool enabled = true;
  std::optional<std::int64_t> nbf;
  std::optional<std::int64_t> exp;
  std::int64_t created = 0;
  std::int64_t updated = 0;
};

struct Secret {
  std::string name;                     // spelling of the first set; lookups ignore case
  std::vector<SecretVersion> versions;  // creation order: back() is the latest
  std::int64_t deleted_date = 0;        // meaningful only while soft-deleted
  std::int64_t scheduled_purge_date = 0;
};

struct Vault {
  std::string name;
  std::string tenant_id;
  std::map<std::string, Secret> secrets;  // keyed by lowercase name
  std::map<std::string, Secret> deleted;  // soft-deleted, keyed by lowercase name
};

struct KeyVaultService::State {
  std::map<std::string, Vault> vaults;  // keyed by lowercase name
};

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::int64_t unix_seconds(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

bool valid_object_name(std::string_view name, std::size_t max_length) {
  if (name.empty() || name.size() > max_length) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

// Percent-decoding; nullopt for a broken escape.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int high = hex(text[i + 1]);
    const int low = hex(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int high = digit(hex[i]);
    const int low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

// Key Vault accepts "7.x" (with previews) and the date-named versions that
// followed 7.6; the JavaScript SDK 4.11 sends "2025-07-01".
bool supported_api_version(std::string_view version) {
  const auto digits = [](std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  std::string_view core = version;
  if (const auto dash = core.find("-preview"); dash != std::string_view::npos) {
    const std::string_view rest = core.substr(dash + 8);
    if (!rest.empty() && !(rest[0] == '.' && digits(rest.substr(1)))) return false;
    core = core.substr(0, dash);
  }
  if (core.size() > 2 && core.substr(0, 2) == "7.") return digits(core.substr(2));
  if (core.size() == 10 && core[4] == '-' && core[7] == '-' && digits(core.substr(0, 4)) && digits(core.substr(5, 2)) &&
      digits(core.substr(8, 2))) {
    return core.substr(0, 4) >= "2025";
  }
  return false;
}

struct Query {
  std::map<std::string, std::string> params;
  bool valid = true;
};

Query parse_query(std::string_view query) {
  Query result;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) {
      result.valid = false;
      return result;
    }
    result.params[lower(*key)] = std::move(*value);
  }
  return result;
}

// An error that a request handler returns as Key Vault's error body.
struct ApiError {
  unsigned status;
  std::string code;
  std::string message;
  std::string inner_code;
};

ApiError bad_parameter(std::string message) { return {400, "BadParameter", std::move(message), {}}; }

ApiError secret_not_found(std::string_view name) {
  return {404, "SecretNotFound",
          "A secret with (name/id) " + std::string(name) +
              " was not found in this key vault. If you recently deleted this secret you may be able to recover it "
              "using the correct recovery command. For help resolving this issue, please see "
              "https://go.microsoft.com/fwlink/?linkid=2125182",
          {}};
}

ApiError deleted_secret_not_found(std::string_view name) {
  return {404, "SecretNotFound", "Deleted Secret not found: " + std::string(name), {}};
}

std::optional<std::int64_t> json_seconds(const json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_unsigned()) {
    const auto unsigned_value = value.get<std::uint64_t>();
    if (unsigned_value > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(unsigned_value);
  }
  if (value.is_number_float()) {
    const double seconds = value.get<double>();
    if (!(seconds > -1e15 && seconds < 1e15)) return std::nullopt;
    return static_cast<std::int64_t>(seconds);
  }
  return std::nullopt;
}

// The mutable fields a set or an update may carry; absent means "leave as is".
struct SecretFields {
  std::optional<std::optional<std::string>> content_type;
  std::optional<json> tags;
  std::optional<bool> enabled;
  std::optional<std::optional<std::int64_t>> nbf;
  std::optional<std::optional<std::int64_t>> exp;
};

std::optional<ApiError> read_tags(const json& tags, json& out) {
  if (tags.is_null()) {
    out = json::object();
    return std::nullopt;
  }
  if (!tags.is_object()) return bad_parameter("Property tags must be an object of string values.");
  if (tags.size() > kMaxTags) return bad_parameter("Too many tags: at most 15 are allowed.");
  for (const auto& [key, value] : tags.items()) {
    if (key.empty() || key.size() > kMaxTagNameLength) return bad_parameter("Invalid tag name length.");
    if (!value.is_string()) return bad_parameter("Tag '" + key + "' must have a string value.");
    if (value.get_ref<const std::string&>().size() > kMaxTagValueLength)
      return bad_parameter("The value of tag '" + key + "' is too long.");
  }
  out = tags;
  return std::nullopt;
}

std::optional<ApiError> read_fields(const json& body, SecretFields& fields) {
  if (const auto it = body.find("contentType"); it != body.end()) {
    if (it->is_null()) {
      fields.content_type = std::optional<std::string>{};
    } else if (it->is_string()) {
      fields.content_type = std::optional<std::string>{it->get<std::string>()};
    } else {
      return bad_parameter("Property contentType must be a string.");
    }
  }
  if (const auto it = body.find("tags"); it != body.end()) {
    json tags;
    if (auto error = read_tags(*it, tags)) return error;
    fields.tags = std::move(tags);
  }
  if (const auto it = body.find("attributes"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return bad_parameter("Property attributes must be an object.");
    if (const auto enabled = it->find("enabled"); enabled != it->end() && !enabled->is_null()) {
      if (!enabled->is_boolean()) return bad_parameter("Property attributes.enabled must be a boolean.");
      fields.enabled = enabled->get<bool>();
    }
    for (const char* key : {"nbf", "exp"}) {
      const auto field = it->find(key);
      if (field == it->end()) continue;
      std::optional<std::int64_t> seconds;
      if (!field->is_null()) {
        seconds = json_seconds(*field);
        if (!seconds) return bad_parameter(std::string("Property attributes.") + key + " must be a Unix time in seconds.");
      }
      (std::string_view(key) == "nbf" ? fields.nbf : fields.exp) = seconds;
    }
  }
  return std::nullopt;
}

void apply_fields(const SecretFields& fields, SecretVersion& version) {
  if (fields.content_type) version.content_type = *fields.content_type;
  if (fields.tags) version.tags = *fields.tags;
  if (fields.enabled) version.enabled = *fields.enabled;
  if (fields.nbf) version.nbf = *fields.nbf;
  if (fields.exp) version.exp = *fields.exp;
}

json attributes_json(const SecretVersion& version) {
  json attributes = {{"enabled", version.enabled}};
  if (version.nbf) attributes["nbf"] = *version.nbf;
  if (version.exp) attributes["exp"] = *version.exp;
  attributes["created"] = version.created;
  attributes["updated"] = version.updated;
  attributes["recoveryLevel"] = kRecoveryLevel;
  attributes["recoverableDays"] = kRecoverableDays;
  return attributes;
}

std::string secret_id(const VaultUrls& urls, const Secret& secret) {
  return urls.identifier_base + "/secrets/" + secret.name;
}

std::string version_id(const VaultUrls& urls, const Secret& secret, const SecretVersion& version) {
  return secret_id(urls, secret) + "/" + version.id;
}

// SecretBundle; the value only where Key Vault returns it (get and set).
json bundle_json(const VaultUrls& urls, const Secret& secret, const SecretVersion& version, bool with_value) {
  json bundle = json::object();
  if (with_value) bundle["value"] = version.value;
  if (version.content_type) bundle["contentType"] = *version.content_type;
  bundle["id"] = version_id(urls, secret, version);
  bundle["attributes"] = attributes_json(version);
  if (!version.tags.empty()) bundle["tags"] = version.tags;
  return bundle;
}

// SecretItem: never a value; the id names the version only in a versions list.
json item_json(const VaultUrls& urls, const Secret& secret, const SecretVersion& version, bool versioned_id) {
  json item = {{"id", versioned_id ? version_id(urls, secret, version) : secret_id(urls, secret)},
               {"attributes", attributes_json(version)}};
  if (!version.tags.empty()) item["tags"] = version.tags;
  if (version.content_type) item["contentType"] = *version.content_type;
  return item;
}

void add_deleted_fields(json& body, const VaultUrls& urls, const Secret& secret) {
  body["recoveryId"] = urls.identifier_base + "/deletedsecrets/" + secret.name;
  body["deletedDate"] = secret.deleted_date;
  body["scheduledPurgeDate"] = secret.scheduled_purge_date;
}

http::ServerResponse make_json(unsigned status, const json& body) {
  return http::make_response(status, body.dump(-1, ' ', false, json::error_handler_t::replace),
                                  "application/json; charset=utf-8");
}

http::ServerResponse error_response(const ApiError& error) {
  json inner = {{"code", error.code}, {"message", error.message}};
  if (!error.inner_code.empty()) inner["innererror"] = {{"code", error.inner_code}};
  auto response = make_json(error.status, json{{"error", inner}});
  response.set("x-ms-error-code", error.inner_code.empty() ? error.code : error.inner_code);
  return response;
}

// SecretVersion <-> the state file.
json version_state(const SecretVersion& version, bool with_value) {
  json out = {{"version", version.id}};
  if (with_value) out["value"] = version.value;
  if (version.content_type) out["contentType"] = *version.content_type;
  out["tags"] = version.tags;
  out["enabled"] = version.enabled;
  if (version.nbf) out["nbf"] = *version.nbf;
  if (version.exp) out["exp"] = *version.exp;
  out["created"] = version.created;
  out["updated"] = version.updated;
  return out;
}

json secret_state(const Secret& secret, bool with_value, bool deleted) {
  json versions = json::array();
  for (const auto& version : secret.versions) versions.push_back(version_state(version, with_value));
  json out = {{"name", secret.name}, {"versions", std::move(versions)}};
  if (deleted) {
    out["deletedDate"] = secret.deleted_date;
    out["scheduledPurgeDate"] = secret.scheduled_purge_date;
  }
  return out;
}

json state_json(const KeyVaultService::State& state, bool with_values) {
  json vaults = json::array();
  for (const auto& [key, vault] : state.vaults) {
    json secrets = json::array();
    for (const auto& [name, secret] : vault.secrets) secrets.push_back(secret_state(secret, with_values, false));
    json deleted = json::array();
    for (const auto& [name, secret] : vault.deleted) deleted.push_back(secret_state(secret, with_values, true));
    vaults.push_back({{"name", vault.name},
                      {"tenantId", vault.tenant_id},
                      {"secrets", std::move(secrets)},
                      {"deletedSecrets", std::move(deleted)}});
  }
  return json{{"vaults", std::move(vaults)}};
}

[[noreturn]] void invalid(const std::string& message) { throw std::invalid_argument(message); }

const json& member(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) invalid(where + ": missing '" + key + "'");
  return *it;
}

std::string string_member(const json& object, const char* key, const std::string& where) {
  const json& value = member(object, key, where);
  if (!value.is_string()) invalid(where + ": '" + key + "' must be a string");
  return value.get<std::string>();
}

std::int64_t seconds_member(const json& object, const char* key, const std::string& where) {
  const auto seconds = json_seconds(member(object, key, where));
  if (!seconds) invalid(where + ": '" + key + "' must be Unix seconds");
  return *seconds;
}

bool hex_id(std::string_view id) {
  return id.size() == 32 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); });
}

Secret secret_from_state(const json& entry, bool deleted, const std::string& where) {
  if (!entry.is_object()) invalid(where + ": a secret must be an object");
  Secret secret;
  secret.name = string_member(entry, "name", where);
  const std::string here = where + " secret '" + secret.name + "'";
  if (!valid_object_name(secret.name, kMaxSecretNameLength)) invalid(here + ": invalid name");
  const json& versions = member(entry, "versions", here);
  if (!versions.is_array() || versions.empty()) invalid(here + ": 'versions' must be a non-empty array");
  for (const json& item : versions) {
    if (!item.is_object()) invalid(here + ": a version must be an object");
    SecretVersion version;
    version.id = string_member(item, "version", here);
    if (!hex_id(version.id)) invalid(here + ": version ids are 32 lowercase hex digits");
    version.value = string_member(item, "value", here);
    if (const auto it = item.find("contentType"); it != item.end() && !it->is_null()) {
      if (!it->is_string()) invalid(here + ": 'contentType' must be a string");
      version.content_type = it->get<std::string>();
    }
    if (const auto it = item.find("tags"); it != item.end()) {
      if (read_tags(*it, version.tags)) invalid(here + ": invalid tags");
    }
    if (const auto it = item.find("enabled"); it != item.end()) {
      if (!it->is_boolean()) invalid(here + ": 'enabled' must be a boolean");
      version.enabled = it->get<bool>();
    }
    if (item.contains("nbf") && !item["nbf"].is_null()) version.nbf = seconds_member(item, "nbf", here);
    if (item.contains("exp") && !item["exp"].is_null()) version.exp = seconds_member(item, "exp", here);
    version.created = seconds_member(item, "created", here);
    version.updated = seconds_member(item, "updated", here);
    secret.versions.push_back(std::move(version));
  }
  if (deleted) {
    secret.deleted_date = seconds_member(entry, "deletedDate", here);
    secret.scheduled_purge_date = seconds_member(entry, "scheduledPurgeDate", here);
  }
  return secret;
}

}  // namespace

KeyVaultService::KeyVaultService(NowFunction now, const TokenValidator& tokens, std::string authority_base_url)
    : now_(std::move(now)),
      tokens_(tokens),
      authority_base_url_(std::move(authority_base_url)),
      state_(std::make_unique<State>()),
      random_(std::random_device{}()) {
  while (!authority_base_url_.empty() && authority_base_url_.back() == '/') authority_base_url_.pop_back();
}

KeyVaultService::~KeyVaultService() = default;

std::string KeyVaultService::random_hex(std::size_t digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digits);
  for (std::size_t i = 0; i < digits; ++i) out.push_back(kDigits[random_() & 0x0f]);
  return out;
}

void KeyVaultService::seed_random_for_test(std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  random_.seed(seed);
}

void KeyVaultService::apply_seed(State& state, const json& vaults) {
  if (!vaults.is_array()) invalid("key vault seed: expected an array of vaults");
  const std::int64_t now = unix_seconds(now_());
  for (const json& entry : vaults) {
    if (!entry.is_object()) invalid("key vault seed: a vault must be an object");
    Vault vault;
    vault.name = string_member(entry, "name", "key vault seed");
    const std::string where = "key vault seed, vault '" + vault.name + "'";
    if (!valid_object_name(vault.name, 24)) invalid(where + ": invalid vault name");
    if (const auto it = entry.find("tenantId"); it != entry.end() && !it->is_null()) {
      if (!it->is_string()) invalid(where + ": 'tenantId' must be a string");
      vault.tenant_id = it->get<std::string>();
    }
    if (const auto it = entry.find("secrets"); it != entry.end() && !it->is_null()) {
      if (!it->is_array()) invalid(where + ": 'secrets' must be an array");
      for (const json& item : *it) {
        if (!item.is_object()) invalid(where + ": a secret must be an object");
        Secret secret;
        secret.name = string_member(item, "name", where);
        const std::string here = where + " secret '" + secret.name + "'";
        if (!valid_object_name(secret.name, kMaxSecretNameLength)) invalid(here + ": invalid secret name");
        SecretVersion version;
        version.value = string_member(item, "value", here);
        if (version.value.size() > kMaxValueBytes) invalid(here + ": value larger than 25 KB");
        SecretFields fields;
        if (auto error = read_fields(item, fields)) invalid(here + ": " + error->message);
        apply_fields(fields, version);
        version.id = random_hex(32);
        version.created = version.updated = now;
        secret.versions.push_back(std::move(version));
        const std::string key = lower(secret.name);
        if (vault.secrets.count(key) != 0) invalid(here + ": listed twice");
        vault.secrets.emplace(key, std::move(secret));
      }
    }
    state.vaults[lower(vault.name)] = std::move(vault);
  }
}

void KeyVaultService::seed(const json& vaults) {
  std::lock_guard lock(mutex_);
  State next = *state_;
  apply_seed(next, vaults);
  *state_ = std::move(next);
}

void KeyVaultService::reset() {
  std::lock_guard lock(mutex_);
  *state_ = State{};
}

json KeyVaultService::save() const {
  std::lock_guard lock(mutex_);
  return state_json(*state_, true);
}

json KeyVaultService::describe() const {
  std::lock_guard lock(mutex_);
  return state_json(*state_, false);
}

void KeyVaultService::load(const json& saved) {
  State next;
  try {
    if (!saved.is_object()) invalid("key vault state: expected an object");
    // A document without "vaults" (e.g. a state file written before any vault existed) is an empty world.
    const json vaults = saved.contains("vaults") ? saved["vaults"] : json::array();
    if (!vaults.is_array()) invalid("key vault state: 'vaults' must be an array");
    for (const json& entry : vaults) {
      if (!entry.is_object()) invalid("key vault state: a vault must be an object");
      Vault vault;
      vault.name = string_member(entry, "name", "key vault state");
      const std::string where = "key vault state, vault '" + vault.name + "'";
      if (!valid_object_name(vault.name, 24)) invalid(where + ": invalid vault name");
      if (entry.contains("tenantId")) vault.tenant_id = string_member(entry, "tenantId", where);
      for (const auto& [key, deleted] : {std::pair{"secrets", false}, std::pair{"deletedSecrets", true}}) {
        const auto it = entry.find(key);
        if (it == entry.end()) continue;
        if (!it->is_array()) invalid(where + ": '" + key + "' must be an array");
        auto& into = deleted ? vault.deleted : vault.secrets;
        for (const json& item : *it) {
          Secret secret = secret_from_state(item, deleted, where);
          const std::string name_key = lower(secret.name);
          if (!into.emplace(name_key, std::move(secret)).second) invalid(where + ": secret '" + name_key + "' twice");
        }
      }
      const std::string vault_key = lower(vault.name);
      if (!next.vaults.emplace(vault_key, std::move(vault)).second) invalid(where + ": listed twice");
    }
  } catch (const json::exception& error) {
    invalid(std::string("key vault state: ") + error.what());
  }
  std::lock_guard lock(mutex_);
  *state_ = std::move(next);
}

bool KeyVaultService::has_vault(const std::string& vault) const {
  std::lock_guard lock(mutex_);
  return state_->vaults.count(lower(vault)) != 0;
}

std::optional<std::string> KeyVaultService::latest_value(const std::string& vault, const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto vault_it = state_->vaults.find(lower(vault));
  if (vault_it == state_->vaults.end()) return std::nullopt;
  const auto secret_it = vault_it->second.secrets.find(lower(name));
  if (secret_it == vault_it->second.secrets.end()) return std::nullopt;
  return secret_it->second.versions.back().value;
}

std::vector<std::string> KeyVaultService::versions(const std::string& vault, const std::string& name) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  const auto vault_it = state_->vaults.find(lower(vault));
  if (vault_it == state_->vaults.end()) return ids;
  const auto secret_it = vault_it->second.secrets.find(lower(name));
  if (secret_it == vault_it->second.secrets.end()) return ids;
  for (const auto& version : secret_it->second.versions) ids.push_back(version.id);
  return ids;
}

http::ServerResponse KeyVaultService::handle(const std::string& vault, const std::string& path,
                                             const http::ServerRequest& request) {
  std::lock_guard lock(mutex_);
  http::ServerResponse response;
  try {
    response = handle_locked(vault, path, request);
  } catch (const std::exception&) {
    // A bug, not bad input (that is answered with 4xx above); keep serving.
    response = error_response({500, "InternalError", "The emulated Key Vault failed to process the request.", {}});
  }
  std::string request_id = random_hex(32);
  request_id[12] = '4';  // a version-4 GUID, as Azure's request ids are
  request_id[16] = "89ab"[random_() & 3];
  for (std::size_t dash : {8u, 13u, 18u, 23u}) request_id.insert(dash, "-");
  response.set("x-ms-request-id", request_id);
  if (const auto client_id = request["x-ms-client-request-id"]; !client_id.empty() && client_id.size() <= 256) {
    response.set("x-ms-client-request-id", client_id);
  }
  response.set("x-ms-keyvault-service-version", "1.9.0.0");
  response.set("x-ms-keyvault-region", "emulator");
  response.set(beast_http::field::cache_control, "no-cache");
  return response;
}

namespace {

// One request's view of a vault: what the route handlers share.
struct Call {
  Vault& vault;
  VaultUrls urls;
  std::string api_version;
  std::map<std::string, std::string>& params;
  const http::ServerRequest& request;
  std::int64_t now;
};

// Parses and validates a JSON object body; the content type, when given, must be JSON.
std::optional<ApiError> read_body(const http::ServerRequest& request, json& body) {
  const auto content_type = lower(request[beast_http::field::content_type]);
  if (!content_type.empty() && content_type.rfind("application/json", 0) != 0 &&
      content_type.find("+json") == std::string::npos) {
    return ApiError{415, "UnsupportedMediaType", "The request content type must be application/json.", {}};
  }
  body = json::parse(request.body(), nullptr, false);
  if (body.is_discarded()) return bad_parameter("The request body is not valid JSON.");
  if (!body.is_object()) return bad_parameter("The request body must be a JSON object.");
  return std::nullopt;
}

std::optional<int> page_size(const Call& call, std::optional<ApiError>& error) {
  const auto it = call.params.find("maxresults");
  if (it == call.params.end() || it->second.empty()) return kDefaultPageSize;
  int size = 0;
  const auto& text = it->second;
  if (text.size() > 3 || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      (size = std::stoi(text)) < 1 || size > 25) {
    error = bad_parameter("invalid maxresults: it must be between 1 and 25.");
    return std::nullopt;
  }
  return size;
}

// Pages over items sorted by key. The skiptoken is the hex of the last key
// served, so a page boundary survives inserts and deletes between calls.
http::ServerResponse page(const Call& call, const std::string& collection_path,
                               std::vector<std::pair<std::string, json>> items) {
  std::optional<ApiError> error;
  const auto size = page_size(call, error);
  if (!size) return error_response(*error);
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  auto begin = items.begin();
  if (const auto it = call.params.find("$skiptoken"); it != call.params.end()) {
    const auto cursor = from_hex(it->second);
    if (!cursor || cursor->empty()) return error_response(bad_parameter("The $skiptoken is invalid."));
    begin = std::upper_bound(items.begin(), items.end(), *cursor,
                             [](const std::string& key, const auto& item) { return key < item.first; });
  }
  json value = json::array();
  auto it = begin;
  for (; it != items.end() && value.size() < static_cast<std::size_t>(*size); ++it) value.push_back(it->second);
  json body = {{"value", std::move(value)}};
  if (it != items.end()) {
    body["nextLink"] = call.urls.request_base + collection_path + "?api-version=" + call.api_version +
                       "&$skiptoken=" + to_hex(std::prev(it)->first) + "&maxresults=" + std::to_string(*size);
  } else {
    body["nextLink"] = nullptr;
  }
  return make_json(200, body);
}

std::string version_key(std::size_t index) {
  std::string digits = std::to_string(index);
  return std::string(digits.size() < 20 ? 20 - digits.size() : 0, '0') + digits;
}

http::ServerResponse list_secrets(const Call& call) {
  std::vector<std::pair<std::string, json>> items;
  for (const auto& [key, secret] : call.vault.secrets)
    items.emplace_back(key, item_json(call.urls, secret, secret.versions.back(), false));
  return page(call, "/secrets", std::move(items));
}

http::ServerResponse list_versions(const Call& call, const Secret& secret) {
  std::vector<std::pair<std::string, json>> items;
  for (std::size_t i = 0; i < secret.versions.size(); ++i)
    items.emplace_back(version_key(i), item_json(call.urls, secret, secret.versions[i], true));
  return page(call, "/secrets/" + secret.name + "/versions", std::move(items));
}

http::ServerResponse list_deleted(const Call& call) {
  std::vector<std::pair<std::string, json>> items;
  for (const auto& [key, secret] : call.vault.deleted) {
    json item = item_json(call.urls, secret, secret.versions.back(), false);
    add_deleted_fields(item, call.urls, secret);
    items.emplace_back(key, std::move(item));
  }
  return page(call, "/deletedsecrets", std::move(items));
}

SecretVersion* find_version(Secret& secret, const std::string& version) {
  if (version.empty()) return &secret.versions.back();
  const std::string wanted = lower(version);
  for (auto& candidate : secret.versions)
    if (candidate.id == wanted) return &candidate;
  return nullptr;
}

http::ServerResponse get_secret(const Call& call, Secret& secret, const std::string& version_name) {
  const SecretVersion* version = find_version(secret, version_name);
  if (version == nullptr) return error_response(secret_not_found(secret.name + "/" + version_name));
  if (!version->enabled) {
    return error_response({403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"});
  }
  return make_json(200, bundle_json(call.urls, secret, *version, true));
}

http::ServerResponse update_secret(const Call& call, Secret& secret, const std::string& version_name) {
  SecretVersion* version = find_version(secret, version_name);
  if (version == nullptr) return error_response(secret_not_found(secret.name + "/" + version_name));
  json body;
  if (auto error = read_body(call.request, body)) return error_response(*error);
  SecretFields fields;
  if (auto error = read_fields(body, fields)) return error_response(*error);
  apply_fields(fields, *version);
  version->updated = call.now;
  return make_json(200, bundle_json(call.urls, secret, *version, false));
}

http::ServerResponse delete_secret(const Call& call, const std::string& key) {
  auto node = call.vault.secrets.extract(key);
  Secret& secret = node.mapped();
  secret.deleted_date = call.now;
  secret.scheduled_purge_date = call.now + kRecoverableDays * 24 * 3600;
  json body = bundle_json(call.urls, secret, secret.versions.back(), false);
  add_deleted_fields(body, call.urls, secret);
  call.vault.deleted.insert(std::move(node));
  return make_json(200, body);
}

http::ServerResponse recover_secret(const Call& call, const std::string& key) {
  auto node = call.vault.deleted.extract(key);
  Secret& secret = node.mapped();
  secret.deleted_date = secret.scheduled_purge_date = 0;
  json body = bundle_json(call.urls, secret, secret.versions.back(), false);
  call.vault.secrets.insert(std::move(node));
  return make_json(200, body);
}

}  // namespace

http::ServerResponse KeyVaultService::handle_locked(const std::string& vault_name, const std::string& path,
                                                    const http::ServerRequest& request) {
  const auto vault_it = state_->vaults.find(lower(vault_name));
  if (vault_it == state_->vaults.end()) {
    return error_response({404, "VaultNotFound", "The emulator has no key vault named '" + vault_name + "'.", {}});
  }
  Vault& vault = vault_it->second;
  const std::int64_t now = unix_seconds(now_());

  // Retention ends: the service purges on its own schedule.
  std::erase_if(vault.deleted, [now](const auto& entry) { return entry.second.scheduled_purge_date <= now; });

  // Authenticate before reading anything else: SDKs send the first request
  // without token or body, only to learn the authority from the challenge.
  auto claims = tokens_.validate(request, kAudience);
  std::optional<std::string> auth_failure;
  if (!claims) {
    switch (claims.error()) {
      case TokenProblem::missing: auth_failure = "AKV10000: Request is missing a Bearer or PoP token."; break;
      case TokenProblem::malformed: auth_failure = "The bearer token is malformed."; break;
      case TokenProblem::bad_signature: auth_failure = "The bearer token signature is invalid."; break;
      case TokenProblem::expired: auth_failure = "The bearer token has expired."; break;
      case TokenProblem::wrong_audience: auth_failure = "Invalid audience: expected https://vault.azure.net."; break;
    }
  } else if (!vault.tenant_id.empty() && !claims->tenant_id.empty() && lower(claims->tenant_id) != lower(vault.tenant_id)) {
    auth_failure = "Invalid issuer: the token was issued by a tenant other than the vault's.";
  }
  if (auth_failure) {
    auto response = error_response({401, "Unauthorized", *auth_failure, {}});
    const std::string authority =
        vault.tenant_id.empty() ? authority_base_url_ : authority_base_url_ + "/" + vault.tenant_id;
    response.set(beast_http::field::www_authenticate,
                 "Bearer authorization=\"" + authority + "\", resource=\"" + std::string(kAudience) + "\"");
    return response;
  }

  const auto question = path.find('?');
  const std::string_view raw_path = std::string_view(path).substr(0, question);
  Query query = parse_query(question == std::string::npos ? std::string_view{} : std::string_view(path).substr(question + 1));
  if (!query.valid) return error_response(bad_parameter("The query string is malformed."));
  const auto api = query.params.find("api-version");
  if (api == query.params.end() || api->second.empty()) {
    return error_response(bad_parameter("The api-version query parameter is missing."));
  }
  if (!supported_api_version(api->second)) {
    return error_response(bad_parameter("The specified version (" + api->second.substr(0, 32) +
                                        ") is not recognized. Consider using the latest supported version (7.5)."));
  }

  // Segments of the path; one trailing slash is allowed ("/secrets/foo/" is the latest version).
  std::vector<std::string> segments;
  bool trailing_slash = false;
  {
    std::string_view rest = raw_path;
    if (rest.empty() || rest.front() != '/') return error_response({404, "NotFound", "Unknown Key Vault path.", {}});
    rest.remove_prefix(1);
    while (true) {
      const auto slash = rest.find('/');
      auto segment = percent_decode(rest.substr(0, slash));
      if (!segment) return error_response(bad_parameter("The request path is malformed."));
      if (slash == std::string_view::npos) {
        if (segment->empty()) trailing_slash = true;
        else segments.push_back(std::move(*segment));
        break;
      }
      if (segment->empty()) return error_response({404, "NotFound", "Unknown Key Vault path.", {}});
      segments.push_back(std::move(*segment));
      rest.remove_prefix(slash + 1);
    }
  }
  const std::string method(request.method_string());
  Call call{vault, vault_urls(vault_name, request), api->second, query.params, request, now};
  const auto not_allowed = [&] {
    return error_response({405, "MethodNotAllowed", "The method " + method.substr(0, 16) + " is not allowed here.", {}});
  };
  const auto check_name = [](const std::string& name) -> std::optional<ApiError> {
    if (valid_object_name(name, kMaxSecretNameLength)) return std::nullopt;
    return bad_parameter("The secret name '" + name.substr(0, 130) +
                         "' is invalid: it must be 1-127 characters of letters, digits and dashes.");
  };

  if (segments.empty()) return error_response({404, "NotFound", "Unknown Key Vault path.", {}});
  const std::string& collection = segments[0];

  if (collection == "secrets") {
    if (segments.size() == 1) {
      if (method != "GET") return not_allowed();
      return list_secrets(call);
    }
    const std::string& name = segments[1];
    if (auto error = check_name(name)) return error_response(*error);
    const std::string key = lower(name);
    const auto live = vault.secrets.find(key);
    if (segments.size() == 2) {
      // "/secrets/{name}" and "/secrets/{name}/" both mean the latest version.
      if (method == "PUT" && !trailing_slash) {
        if (vault.deleted.count(key) != 0) {
          return error_response({409, "Conflict",
                                 "Secret " + name +
                                     " is currently in a deleted but recoverable state, and its name cannot be reused; "
                                     "in this state, the secret can only be recovered or purged.",
                                 {}});
        }
        json body;
        if (auto error = read_body(request, body)) return error_response(*error);
        const auto value = body.find("value");
        if (value == body.end() || !value->is_string()) {
          return error_response(bad_parameter("Property value is required and must be a string."));
        }
        if (value->get_ref<const std::string&>().size() > kMaxValueBytes) {
          return error_response(bad_parameter("Secret value is too large: the maximum is 25 KB."));
        }
        SecretFields fields;
        if (auto error = read_fields(body, fields)) return error_response(*error);
        Secret& secret = live != vault.secrets.end() ? live->second : vault.secrets[key];
        if (secret.name.empty()) secret.name = name;
        SecretVersion version;
        do {
          version.id = random_hex(32);
        } while (!secret.versions.empty() && find_version(secret, version.id) != nullptr);
        version.value = value->get<std::string>();
        apply_fields(fields, version);
        version.created = version.updated = now;
        secret.versions.push_back(std::move(version));
        return make_json(200, bundle_json(call.urls, secret, secret.versions.back(), true));
      }
      if (method == "GET" || method == "PATCH" || (method == "DELETE" && !trailing_slash)) {
        if (live == vault.secrets.end()) return error_response(secret_not_found(name));
        if (method == "GET") return get_secret(call, live->second, "");
        if (method == "PATCH") return update_secret(call, live->second, "");
        return delete_secret(call, key);
      }
      return not_allowed();
    }
    if (segments.size() == 3 && !trailing_slash) {
      const std::string& third = segments[2];
      if (third == "versions") {
        if (method != "GET") return not_allowed();
        if (live == vault.secrets.end()) return error_response(secret_not_found(name));
        return list_versions(call, live->second);
      }
      if (method != "GET" && method != "PATCH") return not_allowed();
      if (live == vault.secrets.end()) return error_response(secret_not_found(name));
      if (method == "GET") return get_secret(call, live->second, third);
      return update_secret(call, live->second, third);
    }
    return error_response({404, "NotFound", "Unknown Key Vault path.", {}});
  }

  if (collection == "deletedsecrets") {
    if (trailing_slash) return error_response({404, "NotFound", "Unknown Key Vault path.", {}});
    if (segments.size() == 1) {
      if (method != "GET") return not_allowed();
      return list_deleted(call);
    }
    const std::string& name = segments[1];
    if (auto error = check_name(name)) return error_response(*error);
    const std::string key = lower(name);
    const auto deleted = vault.deleted.find(key);
    if (segments.size() == 2) {
      if (method != "GET" && method != "DELETE") return not_allowed();
      if (deleted == vault.deleted.end()) return error_response(deleted_secret_not_found(name));
      if (method == "DELETE") {
        vault.deleted.erase(deleted);
        return http::make_response(204, "");
      }
      json body = bundle_json(call.urls, deleted->second, deleted->second.versions.back(), false);
      add_deleted_fields(body, call.urls, deleted->second);
      return make_json(200, body);
    }
    if (segments.size() == 3 && segments[2] == "recover") {
      if (method != "POST") return not_allowed();
      if (deleted == vault.deleted.end()) return error_response(deleted_secret_not_found(name));
      return recover_secret(call, key);
    }
    return error_response({404, "NotFound", "Unknown Key Vault path.", {}});
  }

  return error_response({404, "NotFound", "Unknown Key Vault path.", {}});
}

}  // namespace aci::emulator
