#include "emulator/directory/directory.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "daemon/crypto/certificate.hpp"
#include "daemon/crypto/jwt.hpp"
#include "emulator/iso_time.hpp"

namespace aci::emulator {
namespace {

using nlohmann::json;
constexpr auto kDefaultPasswordLifetime = std::chrono::hours(24 * 365 * 2);
constexpr auto kClockSkew = std::chrono::minutes(5);

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim_slashes(std::string_view text) {
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  return std::string(text);
}

SignInError sign_in_error(unsigned status, std::string error, long aadsts, std::string description) {
  return SignInError{status, std::move(error), aadsts, std::move(description)};
}

SignInError invalid_secret(std::string_view app_id) {
  return sign_in_error(401, "invalid_client", 7000215,
                       "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                       "secret value, not the client secret ID, for a secret added to app '" +
                           std::string(app_id) + "'.");
}

std::optional<std::int64_t> numeric_claim(const json& claims, const char* name) {
  auto found = claims.find(name);
  if (found == claims.end() || !found->is_number()) return std::nullopt;
  return found->get<std::int64_t>();
}

std::string string_claim(const json& claims, const char* name) {
  auto found = claims.find(name);
  return found != claims.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::vector<std::string> audience_claim(const json& claims) {
  std::vector<std::string> out;
  auto found = claims.find("aud");
  if (found == claims.end()) return out;
  if (found->is_string()) out.push_back(found->get<std::string>());
  if (found->is_array())
    for (const auto& item : *found)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

// Time-range check shared by certificate and federated assertions.
std::optional<SignInError> check_assertion_time(const json& claims, TimePoint now) {
  const auto exp = numeric_claim(claims, "exp");
  const auto nbf = numeric_claim(claims, "nbf");
  const auto now_s = unix_seconds(now);
  const auto skew = std::chrono::duration_cast<std::chrono::seconds>(kClockSkew).count();
  if (!exp || *exp + skew < now_s || (nbf && *nbf - skew > now_s)) {
    return sign_in_error(401, "invalid_client", 700024,
                         "Client assertion is not within its valid time range. Current time: " + format_iso8601(now) +
                             (exp ? ", assertion valid to: " + format_iso8601(from_unix_seconds(*exp)) : std::string()) +
                             ".");
  }
  return std::nullopt;
}

json time_json(TimePoint time) { return format_iso8601(time); }
TimePoint time_from(const json& value) {
  if (value.is_string()) {
    if (auto parsed = parse_iso8601(value.get<std::string>())) return *parsed;
  }
  return TimePoint{};
}

json password_json(const PasswordCredential& p) {
  json out{{"keyId", p.key_id},          {"displayName", p.display_name}, {"hint", p.hint},
           {"secretSha256", p.secret_sha256}, {"startDateTime", time_json(p.start)}, {"endDateTime", time_json(p.end)},
           {"added", time_json(p.added)}};
  if (p.removed) out["removed"] = time_json(*p.removed);
  if (p.rejected) out["rejected"] = true;
  return out;
}

PasswordCredential password_from(const json& j) {
  PasswordCredential p;
  p.key_id = j.value("keyId", "");
  p.display_name = j.value("displayName", "");
  p.hint = j.value("hint", "");
  p.secret_sha256 = j.value("secretSha256", "");
  p.start = time_from(j.value("startDateTime", json()));
  p.end = time_from(j.value("endDateTime", json()));
  p.added = time_from(j.value("added", json()));
  if (j.contains("removed")) p.removed = time_from(j["removed"]);
  p.rejected = j.value("rejected", false);
  return p;
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

Directory::Directory(NowFunction now, RandomSource& random, std::chrono::seconds propagation_delay)
    : now_(std::move(now)), random_(random), propagation_delay_(propagation_delay) {}

Expected<Tenant*, std::string> Directory::add_tenant(Tenant tenant) {
  if (tenant.id.empty()) tenant.id = random_.guid();
  if (find_tenant(tenant.id)) return unexpected("tenant '" + tenant.id + "' already exists");
  tenants_.push_back(std::move(tenant));
  return &tenants_.back();
}

Expected<Application*, std::string> Directory::add_application(Application application) {
  if (application.tenant_id.empty()) {
    if (tenants_.empty()) return unexpected(std::string("an application needs a tenant; none is defined"));
    application.tenant_id = tenants_.front().id;
  }
  const Tenant* tenant = find_tenant(application.tenant_id);
  if (!tenant) return unexpected("application '" + application.display_name + "' names unknown tenant '" +
                                 application.tenant_id + "'");
  application.tenant_id = tenant->id;
  if (application.app_id.empty()) application.app_id = random_.guid();
  if (application.object_id.empty()) application.object_id = random_.guid();
  if (application.service_principal_id.empty()) application.service_principal_id = random_.guid();
  if (application_by_app_id(application.app_id) || application_by_object_id(application.object_id))
    return unexpected("application '" + application.display_name + "' reuses an appId or objectId");
  applications_.push_back(std::move(application));
  return &applications_.back();
}

Expected<ManagedIdentity*, std::string> Directory::add_managed_identity(ManagedIdentity identity) {
  if (identity.tenant_id.empty() && !tenants_.empty()) identity.tenant_id = tenants_.front().id;
  if (identity.client_id.empty()) identity.client_id = random_.guid();
  if (identity.principal_id.empty()) identity.principal_id = random_.guid();
  if (find_managed_identity(identity.client_id, {}, {}))
    return unexpected("managed identity '" + identity.name + "' reuses a client id");
  identities_.push_back(std::move(identity));
  return &identities_.back();
}

RoleAssignment& Directory::add_role_assignment(std::string principal_id, std::string role,
                                               const std::string& scope) {
  role_assignments_.push_back(RoleAssignment{random_.guid(), std::move(principal_id), std::move(role),
                                             trim_slashes(scope)});
  return role_assignments_.back();
}

NewPassword Directory::add_password(Application& application, bool on_service_principal, std::string display_name,
                                    std::optional<TimePoint> start, std::optional<TimePoint> end,
                                    std::optional<std::string> secret_text) {
  const auto now = now_();
  NewPassword result;
  result.secret_text = secret_text ? std::move(*secret_text) : random_.secret_text();
  auto& credential = result.credential;
  credential.key_id = random_.guid();
  credential.display_name = std::move(display_name);
  credential.hint = result.secret_text.substr(0, 3);
  credential.secret_sha256 = sha256_hex(result.secret_text);
  credential.start = start.value_or(now);
  credential.end = end.value_or(credential.start + kDefaultPasswordLifetime);
  credential.added = now;
  credential.rejected = reject_new_passwords_;
  (on_service_principal ? application.sp_passwords : application.passwords).push_back(credential);
  return result;
}

Expected<CertificateCredential*, std::string> Directory::add_certificate(Application& application,
                                                                         std::string certificate_pem,
                                                                         std::string display_name) {
  auto sha1 = crypto::certificate_thumbprint_sha1(certificate_pem);
  if (!sha1) return unexpected("certificate for '" + application.display_name + "': " + sha1.error());
  auto sha256 = crypto::certificate_thumbprint_sha256(certificate_pem);
  if (!sha256) return unexpected("certificate for '" + application.display_name + "': " + sha256.error());
  CertificateCredential credential;
  credential.key_id = random_.guid();
  credential.display_name = std::move(display_name);
  credential.certificate_pem = std::move(certificate_pem);
  credential.thumbprint_sha1 = std::move(*sha1);
  credential.thumbprint_sha256 = std::move(*sha256);
  credential.start = now_() - std::chrono::hours(1);
  credential.end = credential.start + kDefaultPasswordLifetime;
  application.certificates.push_back(std::move(credential));
  return &application.certificates.back();
}

bool Directory::remove_password(Application& application, bool on_service_principal, std::string_view key_id) {
  auto& list = on_service_principal ? application.sp_passwords : application.passwords;
  for (auto& credential : list) {
    if (!credential.removed && iequals(credential.key_id, key_id)) {
      credential.removed = now_();
      return true;
    }
  }
  return false;
}

const Tenant* Directory::find_tenant(std::string_view id_or_domain) const {
  for (const auto& tenant : tenants_) {
    if (iequals(tenant.id, id_or_domain)) return &tenant;
    for (const auto& domain : tenant.domains)
      if (iequals(domain, id_or_domain)) return &tenant;
  }
  return nullptr;
}

Application* Directory::application_by_object_id(std::string_view object_id) {
  for (auto& app : applications_)
    if (iequals(app.object_id, object_id)) return &app;
  return nullptr;
}

Application* Directory::application_by_app_id(std::string_view app_id) {
  for (auto& app : applications_)
    if (iequals(app.app_id, app_id)) return &app;
  return nullptr;
}

Application* Directory::application_by_service_principal_id(std::string_view id) {
  for (auto& app : applications_)
    if (iequals(app.service_principal_id, id)) return &app;
  return nullptr;
}

const ManagedIdentity* Directory::find_managed_identity(std::string_view client_id, std::string_view object_id,
                                                        std::string_view resource_id) const {
  for (const auto& identity : identities_) {
    if (!client_id.empty() && iequals(identity.client_id, client_id)) return &identity;
    if (!object_id.empty() && iequals(identity.principal_id, object_id)) return &identity;
    if (!resource_id.empty() && iequals(identity.resource_id, trim_slashes(resource_id))) return &identity;
  }
  if (client_id.empty() && object_id.empty() && resource_id.empty()) {
    // No selector: the system-assigned identity, or the only identity there is.
    for (const auto& identity : identities_)
      if (identity.resource_id.empty()) return &identity;
    if (identities_.size() == 1) return &identities_.front();
  }
  return nullptr;
}

const Application* Directory::find_application_in(std::string_view tenant_id, std::string_view app_id) const {
  for (const auto& app : applications_)
    if (iequals(app.tenant_id, tenant_id) && iequals(app.app_id, app_id)) return &app;
  return nullptr;
}

Expected<const Application*, SignInError> Directory::resolve_client(std::string_view tenant,
                                                                    std::string_view client_id) const {
  const Tenant* found = find_tenant(tenant);
  if (!found) {
    return unexpected(sign_in_error(400, "invalid_request", 90002,
                                    "Tenant '" + std::string(tenant) +
                                        "' not found. Check to make sure you have the correct tenant ID and are "
                                        "signing into the correct cloud."));
  }
  const Application* app = find_application_in(found->id, client_id);
  if (!app) {
    return unexpected(sign_in_error(400, "unauthorized_client", 700016,
                                    "Application with identifier '" + std::string(client_id) +
                                        "' was not found in the directory '" + found->id +
                                        "'. This can happen if the application has not been installed by the "
                                        "administrator of the tenant or consented to by any user in the tenant."));
  }
  return app;
}

bool Directory::password_usable(const PasswordCredential& credential, TimePoint now) const {
  if (credential.rejected) return false;
  if (now < credential.added + propagation_delay_) return false;
  if (credential.removed && now >= *credential.removed + propagation_delay_) return false;
  return now >= credential.start;
}

Principal Directory::principal_of(const Application& application) const {
  return Principal{application.tenant_id, application.app_id, application.service_principal_id,
                   application.graph_app_roles};
}

Principal Directory::principal_of(const ManagedIdentity& identity) const {
  return Principal{identity.tenant_id, identity.client_id, identity.principal_id, {}};
}

Expected<Principal, SignInError> Directory::sign_in_with_secret(std::string_view tenant, std::string_view client_id,
                                                                std::string_view secret) const {
  auto app = resolve_client(tenant, client_id);
  if (!app) return unexpected(app.error());
  const auto now = now_();
  const auto hash = sha256_hex(secret);
  bool expired_match = false;
  for (const auto* list : {&(*app)->passwords, &(*app)->sp_passwords}) {
    for (const auto& credential : *list) {
      if (credential.secret_sha256 != hash || !password_usable(credential, now)) continue;
      if (now >= credential.end) {
        expired_match = true;
        continue;
      }
      return principal_of(**app);
    }
  }
  if (expired_match) {
    return unexpected(sign_in_error(401, "invalid_client", 7000222,
                                    "The provided client secret keys for app '" + (*app)->app_id +
                                        "' are expired. Visit the Azure portal to create new keys for your app."));
  }
  return unexpected(invalid_secret((*app)->app_id));
}

Expected<Principal, SignInError> Directory::sign_in_with_assertion(std::string_view tenant, std::string_view client_id,
                                                                   std::string_view assertion,
                                                                   const std::vector<std::string>& token_endpoints) const {
  auto app = resolve_client(tenant, client_id);
  if (!app) return unexpected(app.error());
  auto decoded = crypto::jwt_decode(assertion);
  if (!decoded) {
    return unexpected(sign_in_error(400, "invalid_request", 50027,
                                    "JWT token is invalid or malformed: " + decoded.error() + "."));
  }
  const auto& header = decoded->header;
  const auto& claims = decoded->claims;
  const auto now = now_();
  const auto issuer = string_claim(claims, "iss");
  const auto audiences = audience_claim(claims);

  if (iequals(issuer, client_id)) {
    // Certificate credential: the header names the certificate by thumbprint.
    const auto x5t = string_claim(header, "x5t");
    const auto x5t256 = string_claim(header, "x5t#S256");
    const CertificateCredential* certificate = nullptr;
    for (const auto& candidate : (*app)->certificates) {
      if ((!x5t.empty() && candidate.thumbprint_sha1 == x5t) ||
          (!x5t256.empty() && candidate.thumbprint_sha256 == x5t256))
        certificate = &candidate;
    }
    if (!certificate) {
      return unexpected(sign_in_error(401, "invalid_client", 700027,
                                      "The certificate with identifier used to sign the client assertion is not "
                                      "registered on application '" + (*app)->app_id + "'."));
    }
    if (!crypto::jwt_verify(*decoded, certificate->certificate_pem)) {
      return unexpected(sign_in_error(401, "invalid_client", 700027,
                                      "Client assertion failed signature validation."));
    }
    if (now >= certificate->end || now < certificate->start) {
      return unexpected(sign_in_error(401, "invalid_client", 700027,
                                      "The certificate used to sign the client assertion is not within its "
                                      "validity period on application '" + (*app)->app_id + "'."));
    }
    if (string_claim(claims, "sub") != issuer) {
      return unexpected(sign_in_error(401, "invalid_client", 700027,
                                      "Client assertion 'sub' claim must equal the client id."));
    }
    const bool audience_ok = std::any_of(audiences.begin(), audiences.end(), [&](const std::string& aud) {
      return std::any_of(token_endpoints.begin(), token_endpoints.end(),
                         [&](const std::string& endpoint) { return iequals(trim_slashes(aud), trim_slashes(endpoint)); });
    });
    if (!audience_ok) {
      return unexpected(sign_in_error(401, "invalid_client", 700027,
                                      "Client assertion contains an invalid audience; expected the token endpoint."));
    }
    if (auto problem = check_assertion_time(claims, now)) return unexpected(*problem);
    return principal_of(**app);
  }

  // Federated credential: issuer and subject must match exactly, audience one of the configured ones.
  const auto subject = string_claim(claims, "sub");
  const std::string audience_text = audiences.empty() ? std::string() : audiences.front();
  const FederatedCredential* match = nullptr;
  for (const auto& candidate : (*app)->federated)
    if (candidate.issuer == issuer && candidate.subject == subject) match = &candidate;
  if (!match) {
    return unexpected(sign_in_error(400, "invalid_request", 70021,
                                    "No matching federated identity record found for presented assertion. "
                                    "Assertion Issuer: '" + issuer + "'. Assertion Subject: '" + subject +
                                        "'. Assertion Audience: '" + audience_text + "'."));
  }
  const bool audience_ok = std::any_of(audiences.begin(), audiences.end(), [&](const std::string& aud) {
    return std::find(match->audiences.begin(), match->audiences.end(), aud) != match->audiences.end();
  });
  if (!audience_ok) {
    return unexpected(sign_in_error(400, "invalid_request", 700212,
                                    "No matching federated identity record found for presented assertion audience '" +
                                        audience_text + "'."));
  }
  if (!match->issuer_key_pem.empty() && !crypto::jwt_verify(*decoded, match->issuer_key_pem)) {
    return unexpected(sign_in_error(401, "invalid_client", 700027, "Client assertion failed signature validation."));
  }
  if (auto problem = check_assertion_time(claims, now)) return unexpected(*problem);
  return principal_of(**app);
}

std::optional<Principal> Directory::check_password(std::string_view app_id, std::string_view secret) const {
  const auto now = now_();
  const auto hash = sha256_hex(secret);
  for (const auto& app : applications_) {
    if (!iequals(app.app_id, app_id)) continue;
    for (const auto* list : {&app.passwords, &app.sp_passwords})
      for (const auto& credential : *list)
        if (credential.secret_sha256 == hash && password_usable(credential, now) && now < credential.end)
          return principal_of(app);
  }
  return std::nullopt;
}

bool Directory::has_role(std::string_view principal_id, std::string_view role, std::string_view scope) const {
  const std::string target = lower(trim_slashes(scope));
  for (const auto& assignment : role_assignments_) {
    if (!iequals(assignment.principal_id, principal_id) || !iequals(assignment.role, role)) continue;
    const std::string granted = lower(assignment.scope);
    if (granted.empty() || granted == "/") return true;
    if (target == granted) return true;
    if (target.size() > granted.size() && target.compare(0, granted.size(), granted) == 0 &&
        target[granted.size()] == '/')
      return true;
  }
  return false;
}

bool Directory::has_graph_permission(std::string_view principal_id, std::string_view permission) const {
  for (const auto& app : applications_) {
    if (!iequals(app.service_principal_id, principal_id)) continue;
    return std::any_of(app.graph_app_roles.begin(), app.graph_app_roles.end(),
                       [&](const std::string& role) { return iequals(role, permission); });
  }
  return false;
}

bool Directory::may_manage(std::string_view principal_id, const Application& target) const {
  if (has_graph_permission(principal_id, "Application.ReadWrite.All")) return true;
  const bool owner = std::any_of(target.owners.begin(), target.owners.end(),
                                 [&](const std::string& owner_id) { return iequals(owner_id, principal_id); });
  return owner && has_graph_permission(principal_id, "Application.ReadWrite.OwnedBy");
}

json Directory::save() const {
  json tenants = json::array();
  for (const auto& t : tenants_) tenants.push_back({{"id", t.id}, {"domains", t.domains}});
  json apps = json::array();
  for (const auto& a : applications_) {
    json passwords = json::array(), sp_passwords = json::array(), certificates = json::array(),
         federated = json::array();
    for (const auto& p : a.passwords) passwords.push_back(password_json(p));
    for (const auto& p : a.sp_passwords) sp_passwords.push_back(password_json(p));
    for (const auto& c : a.certificates)
      certificates.push_back({{"keyId", c.key_id}, {"displayName", c.display_name}, {"certificate", c.certificate_pem},
                              {"startDateTime", time_json(c.start)}, {"endDateTime", time_json(c.end)}});
    for (const auto& f : a.federated)
      federated.push_back({{"id", f.id}, {"name", f.name}, {"issuer", f.issuer}, {"subject", f.subject},
                           {"audiences", f.audiences}, {"issuerKey", f.issuer_key_pem}});
    apps.push_back({{"tenantId", a.tenant_id}, {"id", a.object_id}, {"appId", a.app_id},
                    {"displayName", a.display_name}, {"signInAudience", a.sign_in_audience},
                    {"servicePrincipalId", a.service_principal_id}, {"passwordCredentials", passwords},
                    {"servicePrincipalPasswordCredentials", sp_passwords}, {"keyCredentials", certificates},
                    {"federatedIdentityCredentials", federated}, {"owners", a.owners},
                    {"graphPermissions", a.graph_app_roles}});
  }
  json identities = json::array();
  for (const auto& m : identities_)
    identities.push_back({{"tenantId", m.tenant_id}, {"name", m.name}, {"clientId", m.client_id},
                          {"principalId", m.principal_id}, {"resourceId", m.resource_id}});
  json roles = json::array();
  for (const auto& r : role_assignments_)
    roles.push_back({{"id", r.id}, {"principalId", r.principal_id}, {"role", r.role}, {"scope", r.scope}});
  return {{"tenants", tenants},
          {"applications", apps},
          {"managedIdentities", identities},
          {"roleAssignments", roles}};
}

Expected<Ok, std::string> Directory::load(const json& state) {
  if (!state.is_object()) return unexpected(std::string("directory state is not an object"));
  try {
    Directory fresh(now_, random_, propagation_delay_);
    for (const auto& t : state.value("tenants", json::array()))
      fresh.tenants_.push_back(Tenant{t.at("id").get<std::string>(), t.value("domains", std::vector<std::string>{})});
    for (const auto& a : state.value("applications", json::array())) {
      Application app;
      app.tenant_id = a.at("tenantId").get<std::string>();
      app.object_id = a.at("id").get<std::string>();
      app.app_id = a.at("appId").get<std::string>();
      app.display_name = a.value("displayName", "");
      app.sign_in_audience = a.value("signInAudience", "AzureADMyOrg");
      app.service_principal_id = a.value("servicePrincipalId", "");
      for (const auto& p : a.value("passwordCredentials", json::array())) app.passwords.push_back(password_from(p));
      for (const auto& p : a.value("servicePrincipalPasswordCredentials", json::array()))
        app.sp_passwords.push_back(password_from(p));
      for (const auto& c : a.value("keyCredentials", json::array())) {
        CertificateCredential cert;
        cert.key_id = c.value("keyId", "");
        cert.display_name = c.value("displayName", "");
        cert.certificate_pem = c.at("certificate").get<std::string>();
        auto sha1 = crypto::certificate_thumbprint_sha1(cert.certificate_pem);
        auto sha256 = crypto::certificate_thumbprint_sha256(cert.certificate_pem);
        if (!sha1 || !sha256) return unexpected("a stored certificate of '" + app.display_name + "' is unreadable");
        cert.thumbprint_sha1 = *sha1;
        cert.thumbprint_sha256 = *sha256;
        cert.start = time_from(c.value("startDateTime", json()));
        cert.end = time_from(c.value("endDateTime", json()));
        app.certificates.push_back(std::move(cert));
      }
      for (const auto& f : a.value("federatedIdentityCredentials", json::array()))
        app.federated.push_back(FederatedCredential{f.value("id", ""), f.value("name", ""), f.value("issuer", ""),
                                                    f.value("subject", ""),
                                                    f.value("audiences", std::vector<std::string>{}),
                                                    f.value("issuerKey", "")});
      app.owners = a.value("owners", std::vector<std::string>{});
      app.graph_app_roles = a.value("graphPermissions", std::vector<std::string>{});
      fresh.applications_.push_back(std::move(app));
    }
    for (const auto& m : state.value("managedIdentities", json::array()))
      fresh.identities_.push_back(ManagedIdentity{m.value("tenantId", ""), m.value("name", ""),
                                                  m.at("clientId").get<std::string>(),
                                                  m.at("principalId").get<std::string>(), m.value("resourceId", "")});
    for (const auto& r : state.value("roleAssignments", json::array()))
      fresh.role_assignments_.push_back(RoleAssignment{r.value("id", ""), r.at("principalId").get<std::string>(),
                                                       r.at("role").get<std::string>(), r.value("scope", "")});
    tenants_ = std::move(fresh.tenants_);
    applications_ = std::move(fresh.applications_);
    identities_ = std::move(fresh.identities_);
    role_assignments_ = std::move(fresh.role_assignments_);
  } catch (const json::exception& error) {
    return unexpected(std::string("directory state is malformed: ") + error.what());
  }
  return Ok{};
}

void Directory::reset() {
  tenants_.clear();
  applications_.clear();
  identities_.clear();
  role_assignments_.clear();
  reject_new_passwords_ = false;
}

}  // namespace aci::emulator
