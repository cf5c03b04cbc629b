#include "emulator/seed/world_seed.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "emulator/iso_time.hpp"

namespace aci::emulator {
namespace {

using nlohmann::json;

struct SeedError {
  std::string message;
};

std::string text(const json& object, const char* field, const std::string& where, bool required = false) {
  auto found = object.find(field);
  if (found == object.end() || found->is_null()) {
    if (required) throw SeedError{where + ": '" + field + "' is required"};
    return {};
  }
  if (!found->is_string()) throw SeedError{where + ": '" + field + "' must be a string"};
  return found->get<std::string>();
}

const json& list(const json& object, const char* field, const std::string& where) {
  static const json empty = json::array();
  auto found = object.find(field);
  if (found == object.end() || found->is_null()) return empty;
  if (!found->is_array()) throw SeedError{where + ": '" + field + "' must be a list"};
  return *found;
}

std::vector<std::string> strings(const json& object, const char* field, const std::string& where) {
  std::vector<std::string> out;
  for (const auto& item : list(object, field, where)) {
    if (!item.is_string()) throw SeedError{where + ": '" + field + "' must be a list of strings"};
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<TimePoint> time_field(const json& object, const char* field, const std::string& where) {
  const auto value = text(object, field, where);
  if (value.empty()) return std::nullopt;
  auto parsed = parse_iso8601(value);
  if (!parsed) throw SeedError{where + ": '" + field + "' is not an ISO 8601 time"};
  return parsed;
}

std::string read_pem(const std::string& value, const std::string& where) {
  if (value.find("-----BEGIN") != std::string::npos) return value;
  std::ifstream in(value);
  if (!in) throw SeedError{where + ": cannot read certificate file '" + value + "'"};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Vault secrets to add to the vault seed: vault name -> secrets.
using PendingSecrets = std::map<std::string, json>;

void store_secret(PendingSecrets& pending, const json& target, const std::string& value, const std::string& where) {
  if (!target.is_object()) throw SeedError{where + ": 'storeIn' must be {vault, secret}"};
  const auto vault = text(target, "vault", where + ".storeIn", true);
  const auto secret = text(target, "secret", where + ".storeIn", true);
  auto& secrets = pending[vault];
  if (secrets.is_null()) secrets = json::array();
  secrets.push_back({{"name", secret}, {"value", value}});
}

class Seeder {
 public:
  Seeder(const json& seed, SeedTargets targets) : seed_(seed), t_(targets) {}

  void run() {
    if (!seed_.is_object()) throw SeedError{"the seed must be a mapping"};
    for (const auto& tenant : list(seed_, "tenants", "tenants")) {
      if (!tenant.is_object()) throw SeedError{"tenants: each entry must be a mapping"};
      auto added = t_.directory.add_tenant({text(tenant, "id", "tenants", true), strings(tenant, "domains", "tenants")});
      if (!added) throw SeedError{added.error()};
    }
    if (!list(seed_, "applications", "applications").empty() && list(seed_, "tenants", "tenants").empty())
      throw SeedError{"applications need at least one tenant in 'tenants'"};
    auto registries = list(seed_, "registries", "registries");
    if (auto seeded = t_.registries.seed(registries); !seeded) throw SeedError{"registries: " + seeded.error()};

    const auto& applications = list(seed_, "applications", "applications");
    for (std::size_t i = 0; i < applications.size(); ++i) add_application(applications[i], i);
    for (std::size_t i = 0; i < applications.size(); ++i) link_owners(applications[i], i);
    const auto& identities = list(seed_, "managedIdentities", "managedIdentities");
    for (std::size_t i = 0; i < identities.size(); ++i) add_identity(identities[i], i);

    t_.arm.seed(list(seed_, "subscriptions", "subscriptions"));

    json vaults = list(seed_, "vaults", "vaults");
    for (auto& vault : vaults) {
      if (!vault.is_object()) throw SeedError{"vaults: each entry must be a mapping"};
      const auto name = text(vault, "name", "vaults", true);
      if (!vault.contains("tenantId") && !list(seed_, "tenants", "tenants").empty())
        vault["tenantId"] = t_.directory.find_tenant(list(seed_, "tenants", "tenants")[0].value("id", ""))->id;
      if (!vault.contains("secrets") || vault["secrets"].is_null()) vault["secrets"] = json::array();
      auto found = pending_.find(name);
      if (found != pending_.end()) {
        for (auto& secret : found->second) vault["secrets"].push_back(secret);
        pending_.erase(found);
      }
    }
    if (!pending_.empty()) throw SeedError{"storeIn names vault '" + pending_.begin()->first + "', which 'vaults' does not define"};
    t_.vaults.seed(vaults);
  }

 private:
  void add_application(const json& spec, std::size_t index) {
    std::string where = "applications[" + std::to_string(index) + "]";
    if (!spec.is_object()) throw SeedError{where + " must be a mapping"};
    Application app;
    app.display_name = text(spec, "displayName", where, true);
    where += " (" + app.display_name + ")";
    app.tenant_id = text(spec, "tenantId", where);
    app.app_id = text(spec, "appId", where);
    app.object_id = text(spec, "objectId", where);
    app.service_principal_id = text(spec, "servicePrincipalId", where);
    if (auto audience = text(spec, "signInAudience", where); !audience.empty()) app.sign_in_audience = audience;
    app.graph_app_roles = strings(spec, "graphPermissions", where);
    for (const auto& f : list(spec, "federatedCredentials", where)) {
      if (!f.is_object()) throw SeedError{where + ": federatedCredentials entries must be mappings"};
      FederatedCredential credential{text(f, "id", where), text(f, "name", where), text(f, "issuer", where, true),
                                     text(f, "subject", where, true), strings(f, "audiences", where), {}};
      if (credential.audiences.empty()) credential.audiences = {"api://AzureADTokenExchange"};
      if (auto key = text(f, "issuerKey", where); !key.empty()) credential.issuer_key_pem = read_pem(key, where);
      if (credential.id.empty()) credential.id = credential.name;
      app.federated.push_back(std::move(credential));
    }
    auto added = t_.directory.add_application(std::move(app));
    if (!added) throw SeedError{where + ": " + added.error()};
    const std::string app_id = (*added)->app_id;

    for (const auto& p : list(spec, "passwords", where)) {
      if (!p.is_object()) throw SeedError{where + ": passwords entries must be mappings"};
      const auto value = text(p, "value", where + ".passwords", true);
      std::optional<std::string> literal;
      if (value != "generate") literal = value;
      const bool on_sp = p.value("servicePrincipal", false);
      auto start = time_field(p, "startDateTime", where);
      auto end = time_field(p, "endDateTime", where);
      // Seeded passwords exist "since before the emulator started": no propagation wait.
      Application& target = *t_.directory.application_by_app_id(app_id);
      auto created = t_.directory.add_password(target, on_sp, text(p, "displayName", where), start, end, literal);
      auto& stored = on_sp ? target.sp_passwords.back() : target.passwords.back();
      stored.added = stored.added - t_.directory.propagation_delay();
      if (p.contains("storeIn")) store_secret(pending_, p["storeIn"], created.secret_text, where + ".passwords");
    }
    for (const auto& target : list(spec, "appIdStoredIn", where)) store_secret(pending_, target, app_id, where + ".appIdStoredIn");
    for (const auto& c : list(spec, "certificates", where)) {
      if (!c.is_object()) throw SeedError{where + ": certificates entries must be mappings"};
      auto pem = read_pem(text(c, "certificate", where, true), where);
      auto cert = t_.directory.add_certificate(*t_.directory.application_by_app_id(app_id), pem, text(c, "displayName", where));
      if (!cert) throw SeedError{where + ": " + cert.error()};
    }
    const auto principal = t_.directory.application_by_app_id(app_id)->service_principal_id;
    add_roles(spec, principal, where);
    app_ids_.push_back(app_id);
  }

  void link_owners(const json& spec, std::size_t index) {
    const std::string where = "applications[" + std::to_string(index) + "]";
    Application* owner = t_.directory.application_by_app_id(app_ids_[index]);
    const std::string owner_sp = owner->service_principal_id;
    for (const auto& name : strings(spec, "owns", where)) {
      Application* owned = t_.directory.application_by_app_id(name);
      if (!owned)
        for (const auto& app : t_.directory.applications())
          if (app.display_name == name) owned = t_.directory.application_by_object_id(app.object_id);
      if (!owned) throw SeedError{where + ": 'owns' names unknown application '" + name + "'"};
      owned->owners.push_back(owner_sp);
    }
  }

  void add_identity(const json& spec, std::size_t index) {
    std::string where = "managedIdentities[" + std::to_string(index) + "]";
    if (!spec.is_object()) throw SeedError{where + " must be a mapping"};
    ManagedIdentity identity{text(spec, "tenantId", where), text(spec, "name", where), text(spec, "clientId", where),
                             text(spec, "principalId", where), text(spec, "resourceId", where)};
    auto added = t_.directory.add_managed_identity(identity);
    if (!added) throw SeedError{where + ": " + added.error()};
    add_roles(spec, (*added)->principal_id, where);
  }

  void add_roles(const json& spec, const std::string& principal_id, const std::string& where) {
    for (const auto& r : list(spec, "roles", where)) {
      if (!r.is_object()) throw SeedError{where + ": roles entries must be mappings"};
      const auto role = text(r, "role", where + ".roles", true);
      std::string scope = text(r, "scope", where + ".roles");
      if (auto registry_name = text(r, "registry", where + ".roles"); !registry_name.empty()) {
        const Registry* registry = t_.registries.find(registry_name);
        if (!registry) throw SeedError{where + ": role names unknown registry '" + registry_name + "'"};
        scope = registry->resource_id;
      } else if (auto subscription = text(r, "subscription", where + ".roles"); !subscription.empty()) {
        scope = "/subscriptions/" + subscription;
        if (auto group = text(r, "resourceGroup", where + ".roles"); !group.empty()) scope += "/resourceGroups/" + group;
      } else if (auto vault = text(r, "vault", where + ".roles"); !vault.empty()) {
        scope = "/vaults/" + vault;
      }
      if (scope.empty()) throw SeedError{where + ": a role needs 'scope', 'registry', 'subscription' or 'vault'"};
      t_.directory.add_role_assignment(principal_id, role, scope);
    }
  }

  const json& seed_;
  SeedTargets t_;
  PendingSecrets pending_;
  std::vector<std::string> app_ids_;
};

}  // namespace

Expected<Ok, std::string> apply_seed(const json& seed, SeedTargets targets) {
  try {
    Seeder(seed, targets).run();
  } catch (const SeedError& error) {
    return unexpected(error.message);
  } catch (const std::invalid_argument& error) {
    return unexpected(std::string(error.what()));
  } catch (const json::exception& error) {
    return unexpected(std::string("malformed seed: ") + error.what());
  }
  return Ok{};
}

}  // namespace aci::emulator
