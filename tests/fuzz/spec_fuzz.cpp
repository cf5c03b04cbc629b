// Fuzz target over what the daemon does with a spec file: parse and validate every
// document (parse_resources), then for a valid ContainerGroup build the ARM body, the
// canonical spec and its hash, and diff the body against itself; for a valid
// CredentialRotation compute the next rotations; for an invalid document build the
// status the reconcilers write (lastError and a Degraded condition) and the log line.
// Every JSON produced is dumped with nlohmann's strict default, which throws on
// invalid UTF-8: a throw, a crash, a sanitizer report or a broken invariant is a
// finding. Seeds: corpus/spec (config/examples plus malformed inputs).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include <nlohmann/json.hpp>

#include "daemon/status/status_conditions.hpp"
#include "daemon/core/log.hpp"
#include "daemon/model/arm_body.hpp"
#include "daemon/model/drift_diff.hpp"
#include "daemon/model/ownership.hpp"
#include "daemon/model/resource_parser.hpp"
#include "daemon/model/spec_hash.hpp"

namespace {

using nlohmann::json;
using namespace aci;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "spec_fuzz finding: %s\n", what.c_str());
  std::abort();
}

// The strict dump every JSON the daemon serves or writes must survive.
std::string dump_strictly(const json& value, const char* what) {
  try {
    return value.dump();
  } catch (const std::exception& e) {
    finding(std::string(what) + " does not dump: " + e.what());
  }
}

class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
};

struct Fixture {
  NullBuffer buffer;
  std::ostream out{&buffer};
  log::LogSink sink{out, log::Level::debug};
  const std::chrono::system_clock::time_point now =
      std::chrono::system_clock::time_point(std::chrono::seconds(1735689600));  // 2025-01-01T00:00:00Z
};

void container_group(const model::ContainerGroup& group, json& report) {
  // Each reference resolves to a stand-in value and version, as SecretResolver would.
  model::ResolvedSecrets secrets;
  for (const auto& ref : group.secret_refs()) secrets[ref] = {"fuzz-secret-value-" + ref.to_string(), "0123456789abcdef"};
  if (model::missing_secrets(group, model::ResolvedSecrets{}).size() != group.secret_refs().size())
    finding("missing_secrets() without secrets is not every reference");
  if (!model::missing_secrets(group, secrets).empty()) finding("missing_secrets() after resolving every reference");

  auto body = model::build_arm_body(group, secrets, "fuzz-owner");
  if (!body) finding("build_arm_body failed with every secret resolved: " + body.error());
  dump_strictly(*body, "the ARM body");
  auto hash = model::spec_hash(group, secrets);
  if (!hash) finding("spec_hash failed with every secret resolved: " + hash.error());
  auto canonical = model::canonical_spec(group, secrets);
  if (!canonical) finding("canonical_spec failed: " + canonical.error());
  if (model::ownership_of(*body, "fuzz-owner") != model::Ownership::Ours) finding("the body is not ours");
  for (const auto& ref : group.secret_refs())
    if (model::deployed_secret_version(*body, ref) != "0123456789abcdef") finding("secret version tag lost");

  // ARM answers with what it was sent (minus secrets): no drift may remain.
  const auto differences = model::diff_container_group(*body, *body);
  if (!differences.empty()) finding("a body differs from itself: " + model::describe(differences));

  json status = json::object();
  status["kind"] = model::kContainerGroupKind;
  status["resourceId"] = group.azure.resource_id();
  status["specHash"] = *hash;
  status["secretVersions"] = model::secret_versions(group, secrets);
  status["pullIdentities"] = group.pull_identities();
  status["tags"] = group.tags;
  status["labels"] = group.metadata.labels;
  status["annotations"] = group.metadata.annotations;
  report.push_back(status);
}

void credential_rotation(const model::CredentialRotation& rotation, const Fixture& fixture, json& report) {
  json status = json::object();
  status["kind"] = model::kCredentialRotationKind;
  status["application"] = rotation.application_object_id;
  status["appId"] = rotation.application_app_id;
  status["tenant"] = rotation.tenant_id;
  status["username"] = rotation.username_ref().to_string();
  status["password"] = rotation.password_ref().to_string();
  if (rotation.verify_registry) status["verifyRegistry"] = *rotation.verify_registry;
  if (rotation.schedule) status["schedule"] = rotation.schedule->text();
  // The next rotations after a recent one and after one long ago (a restored vault).
  for (const auto last : {fixture.now, fixture.now - std::chrono::hours(24 * 365 * 20)}) {
    const auto next = rotation.next_rotation_after(last);
    if (next && *next <= last) finding("next rotation is not after the last one");
    if (next) status["next"].push_back(std::chrono::duration_cast<std::chrono::seconds>(*next - last).count());
  }
  report.push_back(status);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = model::parse_resources(text, "fuzz.yaml");

  json report = json::array();
  for (const auto& document : result.documents) {
    if (document.ok() != (document.errors.empty() && document.resource.has_value()))
      finding("ok() disagrees with errors and resource");
    json entry = {{"label", document.label()}, {"kind", document.kind}, {"name", document.name},
                  {"namespace", document.namespace_}};
    dump_strictly(entry, "a document's label, kind and name");
    if (!document.ok()) {
      if (document.errors.empty()) finding("a failed document without errors");
      // What the reconcilers write for an invalid spec, and what the log says.
      const auto summary = document.summary();
      json status = json::object();
      status["kind"] = document.kind;
      status["lastError"] = summary;
      status::set_condition(status, "Degraded", "True", "InvalidSpec", summary, fixture.now);
      fixture.sink.redactor().redact_in_place(status);
      dump_strictly(status, "the status of an invalid spec");
      for (const auto& error : document.errors) {
        entry["errors"].push_back(document.describe(error));
        fixture.sink.write(log::Level::warn, "spec", "invalid spec", {{"error", document.describe(error)}});
      }
      report.push_back(entry);
      continue;
    }
    std::visit(
        [&](const auto& resource) {
          using Kind = std::decay_t<decltype(resource)>;
          if constexpr (std::is_same_v<Kind, model::ContainerGroup>) {
            container_group(resource, report);
          } else {
            credential_rotation(resource, fixture, report);
          }
        },
        *document.resource);
  }
  for (const auto& message : result.error_messages()) report.push_back(message);
  dump_strictly(report, "the parse report");
  return 0;
}
