#pragma once
// Parses resource documents (YAML or JSON, one or many per file, separated by
// "---") into validated ContainerGroups and CredentialRotations. Each document
// stands alone: a bad one, even one that is not valid YAML, carries its own
// errors and leaves the others in the file untouched. Errors name the file, the
// line and the field path; secret values never appear in them.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/config/yaml_fields.hpp"
#include "daemon/model/container_group.hpp"
#include "daemon/model/credential_rotation.hpp"

namespace aci::model {

inline constexpr std::string_view kApiVersion = "acioperator.io/v1alpha1";
inline constexpr std::string_view kContainerGroupKind = "ContainerGroup";
inline constexpr std::string_view kCredentialRotationKind = "CredentialRotation";

using Resource = std::variant<ContainerGroup, CredentialRotation>;

const ObjectMeta& metadata_of(const Resource& resource);
std::string_view kind_of(const Resource& resource);

struct ParsedDocument {
  std::string file;
  std::size_t index = 0;  // 0-based among the file's non-empty documents
  int line = 0;           // 1-based line where the document starts
  std::string kind;       // as written; empty when missing
  std::string name;       // metadata.name when known
  std::string namespace_;
  std::optional<Resource> resource;  // set exactly when errors is empty
  std::vector<config::FieldError> errors;
  // A custom resource rather than a document in a file: `file` is "namespace/name",
  // and errors say only that and the field.
  bool custom_resource = false;

  bool ok() const { return errors.empty() && resource.has_value(); }
  // "document 2 (ContainerGroup hello)", 1-based for people.
  std::string label() const;
  // error.to_string() followed by " (document 2, ContainerGroup hello)".
  std::string describe(const config::FieldError& error) const;
  // Every error described, joined with "; " (for a status condition).
  std::string summary() const;
};

struct ParseResult {
  std::vector<ParsedDocument> documents;

  bool ok() const;
  // Every error of every document, described.
  std::vector<std::string> error_messages() const;
};

ParseResult parse_resources(std::string_view text, const std::string& file);
// A custom resource as the API server sends it (its status is ignored), with the same
// rules and messages as a file; errors read "namespace/name: spec.field: message".
ParsedDocument parse_custom_resource(const nlohmann::json& object);
// Reads `path`; a file that cannot be read is one failed document.
ParseResult load_resources(const std::string& path);

}  // namespace aci::model
