#pragma once
// The emulated Entra ID directory: tenants, applications (each with its service
// principal), password / certificate / federated credentials, managed identities and
// role assignments. It decides who may sign in and with what: a new password works
// only after the propagation delay, and a removed one keeps working for that long,
// as in Azure. Password text is never stored, only its SHA-256. Lives on the
// emulator's executor; not thread-safe.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/expected.hpp"
#include "emulator/emulator_clock.hpp"
#include "emulator/random_source.hpp"

namespace aci::emulator {

struct PasswordCredential {
  std::string key_id;
  std::string display_name;
  std::string hint;           // first three characters, as Graph shows
  std::string secret_sha256;  // hex
  TimePoint start;
  TimePoint end;
  TimePoint added;                   // usable from added + propagation delay
  std::optional<TimePoint> removed;  // usable until removed + propagation delay; hidden from Graph
  bool rejected = false;             // added while rejectNewPasswords was set: never usable
};

struct CertificateCredential {
  std::string key_id;
  std::string display_name;
  std::string certificate_pem;
  std::string thumbprint_sha1;    // base64url: the assertion's "x5t"
  std::string thumbprint_sha256;  // base64url: the assertion's "x5t#S256"
  TimePoint start;
  TimePoint end;
};

struct FederatedCredential {
  std::string id;
  std::string name;
  std::string issuer;
  std::string subject;
  std::vector<std::string> audiences;  // default: api://AzureADTokenExchange
  std::string issuer_key_pem;          // optional; when set, federated tokens must verify against it
};

struct Application {
  std::string tenant_id;
  std::string object_id;
  std::string app_id;
  std::string display_name;
  std::string sign_in_audience = "AzureADMyOrg";
  std::string service_principal_id;
  std::vector<PasswordCredential> passwords;     // on the application object
  std::vector<PasswordCredential> sp_passwords;  // on its service principal
  std::vector<CertificateCredential> certificates;
  std::vector<FederatedCredential> federated;
  std::vector<std::string> owners;           // service principal / identity object ids owning this app
  std::vector<std::string> graph_app_roles;  // e.g. "Application.ReadWrite.OwnedBy"
};

struct ManagedIdentity {
  std::string tenant_id;
  std::string name;
  std::string client_id;
  std::string principal_id;
  std::string resource_id;  // ARM id of a user-assigned identity; empty for the system-assigned one
};

struct RoleAssignment {
  std::string id;
  std::string principal_id;
  std::string role;   // role name, compared case-insensitively: "AcrPull", "Contributor", ...
  std::string scope;  // ARM scope; covers every scope below it
};

struct Tenant {
  std::string id;
  std::vector<std::string> domains;
};

// Who a token is issued to.
struct Principal {
  std::string tenant_id;
  std::string app_id;     // client id
  std::string object_id;  // service principal (or managed identity principal) object id
  std::vector<std::string> roles;  // Graph application permissions, carried as the "roles" claim
};

// A refused sign-in, in Entra's terms.
struct SignInError {
  unsigned status = 400;     // 401 for invalid_client
  std::string error;         // OAuth error code
  long aadsts = 0;           // AADSTS number
  std::string description;   // text after "AADSTSnnn: "
};

struct NewPassword {
  PasswordCredential credential;
  std::string secret_text;  // returned once, never stored
};

class Directory {
 public:
  Directory(NowFunction now, RandomSource& random, std::chrono::seconds propagation_delay);

  void set_propagation_delay(std::chrono::seconds delay) { propagation_delay_ = delay; }
  std::chrono::seconds propagation_delay() const { return propagation_delay_; }
  // While set, passwords added from then on are listed by Graph but never sign in or
  // pull (a tenant policy refusing them): what a failed rotation looks like.
  void set_reject_new_passwords(bool reject) { reject_new_passwords_ = reject; }
  bool reject_new_passwords() const { return reject_new_passwords_; }

  // Building the world (seed, tests). Missing ids are generated; a duplicate id is refused.
  Expected<Tenant*, std::string> add_tenant(Tenant tenant);
  Expected<Application*, std::string> add_application(Application application);
  Expected<ManagedIdentity*, std::string> add_managed_identity(ManagedIdentity identity);
  RoleAssignment& add_role_assignment(std::string principal_id, std::string role, const std::string& scope);
  NewPassword add_password(Application& application, bool on_service_principal, std::string display_name,
                           std::optional<TimePoint> start = std::nullopt,
                           std::optional<TimePoint> end = std::nullopt,
                           std::optional<std::string> secret_text = std::nullopt);
  // Adds a certificate credential; the thumbprints are computed from the PEM.
  Expected<CertificateCredential*, std::string> add_certificate(Application& application, std::string certificate_pem,
                                                                std::string display_name = {});
  // False when no visible password has that keyId.
  bool remove_password(Application& application, bool on_service_principal, std::string_view key_id);

  // Look-ups. Tenant by id or domain; applications by object id, appId or service principal id.
  const Tenant* find_tenant(std::string_view id_or_domain) const;
  Application* application_by_object_id(std::string_view object_id);
  Application* application_by_app_id(std::string_view app_id);
  Application* application_by_service_principal_id(std::string_view id);
  const ManagedIdentity* find_managed_identity(std::string_view client_id, std::string_view object_id,
                                               std::string_view resource_id) const;
  const std::vector<Application>& applications() const { return applications_; }
  const std::vector<RoleAssignment>& role_assignments() const { return role_assignments_; }

  // Sign-in checks. `tenant` is the id or domain from the token URL.
  Expected<Principal, SignInError> sign_in_with_secret(std::string_view tenant, std::string_view client_id,
                                                       std::string_view secret) const;
  // A client assertion whose "iss" is the client id is a certificate assertion; any other
  // is a federated token matched against the app's federated credentials.
  // `token_endpoint` is the URL the assertion's "aud" must name (an alias list is accepted).
  Expected<Principal, SignInError> sign_in_with_assertion(std::string_view tenant, std::string_view client_id,
                                                          std::string_view assertion,
                                                          const std::vector<std::string>& token_endpoints) const;
  // ACR basic auth: an appId and one of its currently valid passwords, in any tenant.
  std::optional<Principal> check_password(std::string_view app_id, std::string_view secret) const;
  Principal principal_of(const ManagedIdentity& identity) const;

  // True when `principal_id` holds `role` on `scope` or a parent of it.
  bool has_role(std::string_view principal_id, std::string_view role, std::string_view scope) const;
  // Whether the principal owns the application or may write all applications (Graph).
  bool may_manage(std::string_view principal_id, const Application& target) const;
  // Whether the principal's application holds a Graph application permission.
  bool has_graph_permission(std::string_view principal_id, std::string_view permission) const;

  nlohmann::json save() const;  // no secret text: hashes only
  Expected<Ok, std::string> load(const nlohmann::json& state);
  void reset();

 private:
  bool password_usable(const PasswordCredential& credential, TimePoint now) const;
  Principal principal_of(const Application& application) const;
  const Application* find_application_in(std::string_view tenant_id, std::string_view app_id) const;
  Expected<const Application*, SignInError> resolve_client(std::string_view tenant, std::string_view client_id) const;

  NowFunction now_;
  RandomSource& random_;
  std::chrono::seconds propagation_delay_;
  bool reject_new_passwords_ = false;
  std::vector<Tenant> tenants_;
  std::vector<Application> applications_;
  std::vector<ManagedIdentity> identities_;
  std::vector<RoleAssignment> role_assignments_;
};

std::string sha256_hex(std::string_view text);

}  // namespace aci::emulator
