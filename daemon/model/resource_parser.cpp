#include "daemon/model/resource_parser.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "daemon/core/json_text.hpp"
#include "daemon/core/utf8.hpp"
#include "daemon/model/azure_names.hpp"
#include "daemon/model/container_group_reader.hpp"
#include "daemon/model/credential_rotation_reader.hpp"
#include "daemon/model/spec_fields.hpp"

namespace aci::model {

namespace {

struct Chunk {
  std::string text;
  int first_line = 0;  // 0-based line of the chunk in the file
};

bool is_document_marker(std::string_view line) {
  return line.starts_with("---") &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

// Splitting on "---" lines ourselves, rather than YAML::LoadAll, keeps a syntax
// error inside one document from taking the whole file down with it.
std::vector<Chunk> split_documents(std::string_view text) {
  std::vector<Chunk> chunks(1);
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    if (is_document_marker(line)) chunks.push_back({"", line_number});
    chunks.back().text.append(line);
    chunks.back().text.push_back('\n');
    ++line_number;
    start = end + 1;
  }
  return chunks;
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

ObjectMeta read_metadata(SpecFields& top) {
  ObjectMeta meta;
  if (!top.require("metadata")) return meta;
  auto fields = top.map("metadata");
  if (!fields.valid()) return meta;
  if (fields.require("name")) {
    const auto before = fields.errors().size();
    fields.read("name", meta.name);
    if (fields.errors().size() == before) {
      if (auto problem = names::object_name(meta.name)) fields.error("name", *problem);
    }
  }
  if (fields.has("namespace")) {
    const auto before = fields.errors().size();
    fields.read("namespace", meta.namespace_);
    if (fields.errors().size() == before) {
      if (auto problem = names::object_namespace(meta.namespace_)) fields.error("namespace", *problem);
    }
  } else {
    fields.ignore("namespace");
  }
  fields.read("labels", meta.labels);
  fields.read("annotations", meta.annotations);
  fields.read("generation", meta.generation, 0, std::numeric_limits<std::int64_t>::max());
  fields.read("uid", meta.uid);
  fields.read("resourceVersion", meta.resource_version);
  if (fields.has("deletionTimestamp")) {
    std::string when;
    fields.read("deletionTimestamp", when);
    meta.deletion_timestamp = when;
  } else {
    fields.ignore("deletionTimestamp");
  }
  fields.read("finalizers", meta.finalizers);
  // Set by the API server on custom resources; nothing here depends on them.
  for (const auto* key : {"creationTimestamp", "deletionGracePeriodSeconds", "managedFields", "ownerReferences",
                          "generateName", "selfLink"}) {
    fields.ignore(key);
  }
  fields.finish();
  return meta;
}

void shift_lines(std::vector<config::FieldError>& errors, std::size_t from, int offset) {
  for (auto i = from; i < errors.size(); ++i) {
    if (errors[i].line > 0) errors[i].line += offset;
  }
}

ParsedDocument parse_document(const YAML::Node& root, const std::string& file, int offset) {
  ParsedDocument document;
  document.file = file;
  const auto mark = root.Mark();
  document.line = (mark.line >= 0 ? mark.line + 1 : 1) + offset;
  auto& errors = document.errors;
  SpecFields top(root, "", file, errors);
  if (!top.valid()) {
    shift_lines(errors, 0, offset);
    return document;
  }

  std::string api_version;
  if (top.require("apiVersion")) {
    top.read("apiVersion", api_version);
    if (!api_version.empty() && api_version != kApiVersion) {
      top.error("apiVersion", "must be " + std::string(kApiVersion) + ", got '" + api_version + "'");
    }
  }
  if (top.require("kind")) {
    top.read("kind", document.kind);
    if (!document.kind.empty() && document.kind != kContainerGroupKind && document.kind != kCredentialRotationKind) {
      top.error("kind", "must be " + std::string(kContainerGroupKind) + " or " + std::string(kCredentialRotationKind) +
                            ", got '" + document.kind + "'");
    }
  }
  const auto meta = read_metadata(top);
  document.name = meta.name;
  document.namespace_ = meta.namespace_;
  top.ignore("status");  // custom resources carry it; it is ours to write, not to read

  if (document.kind == kContainerGroupKind || document.kind == kCredentialRotationKind) {
    if (top.require("spec")) {
      auto spec = top.map("spec");
      if (spec.valid()) {
        if (document.kind == kContainerGroupKind) {
          auto group = read_container_group(spec, meta);
          if (errors.empty()) document.resource = std::move(group);
        } else {
          auto rotation = read_credential_rotation(spec, meta);
          if (errors.empty()) document.resource = std::move(rotation);
        }
      }
    }
  } else {
    top.ignore("spec");
  }
  top.finish();
  if (!errors.empty()) document.resource.reset();
  // Reading order follows the model, not the file; people read files top down.
  std::stable_sort(errors.begin(), errors.end(),
                   [](const config::FieldError& a, const config::FieldError& b) { return a.line < b.line; });
  shift_lines(errors, 0, offset);
  return document;
}

// A second definition of the same object, or of the same Azure container group,
// in one file would make two specs fight; the later document is rejected.
void reject_duplicates(std::vector<ParsedDocument>& documents) {
  std::map<std::string, std::size_t> objects;
  std::map<std::string, std::size_t> azure_groups;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    auto& document = documents[i];
    if (!document.ok()) continue;
    const auto key = document.kind + "/" + document.namespace_ + "/" + document.name;
    if (auto [it, inserted] = objects.emplace(key, i); !inserted) {
      document.errors.push_back({document.file, document.line, "metadata.name",
                                 document.kind + " '" + document.name + "' is already defined in " +
                                     documents[it->second].label()});
      document.resource.reset();
      continue;
    }
    if (const auto* group = std::get_if<ContainerGroup>(&*document.resource)) {
      const auto id = lower(group->azure.resource_id());
      if (auto [it, inserted] = azure_groups.emplace(id, i); !inserted) {
        document.errors.push_back({document.file, document.line, "spec.azure",
                                   "container group " + group->azure.resource_id() + " is already managed by " +
                                       documents[it->second].label()});
        document.resource.reset();
      }
    }
  }
}

}  // namespace

const ObjectMeta& metadata_of(const Resource& resource) {
  return std::visit([](const auto& object) -> const ObjectMeta& { return object.metadata; }, resource);
}

std::string_view kind_of(const Resource& resource) {
  return std::holds_alternative<ContainerGroup>(resource) ? kContainerGroupKind : kCredentialRotationKind;
}

std::string ParsedDocument::label() const {
  std::string text = "document " + std::to_string(index + 1);
  if (!kind.empty() || !name.empty()) {
    text += " (";
    text += kind.empty() ? name : (name.empty() ? kind : kind + " " + name);
    text += ")";
  }
  return text;
}

std::string ParsedDocument::describe(const config::FieldError& error) const {
  if (custom_resource) return error.to_string();
  std::string where = "document " + std::to_string(index + 1);
  if (!kind.empty()) where += ", " + kind;
  if (!name.empty()) where += (kind.empty() ? ", " : " ") + name;
  return error.to_string() + " (" + where + ")";
}

std::string ParsedDocument::summary() const {
  std::string text;
  for (const auto& error : errors) text += (text.empty() ? "" : "; ") + describe(error);
  return text;
}

bool ParseResult::ok() const {
  return std::all_of(documents.begin(), documents.end(), [](const auto& document) { return document.ok(); });
}

std::vector<std::string> ParseResult::error_messages() const {
  std::vector<std::string> messages;
  for (const auto& document : documents) {
    for (const auto& error : document.errors) messages.push_back(document.describe(error));
  }
  return messages;
}

ParseResult parse_resources(std::string_view text, const std::string& file) {
  ParseResult result;
  for (const auto& chunk : split_documents(text)) {
    ParsedDocument document;
    try {
      const YAML::Node root = YAML::Load(chunk.text);
      if (!root.IsDefined() || root.IsNull()) continue;  // empty document: comments or a lone "---"
      document = parse_document(root, file, chunk.first_line);
    } catch (const YAML::Exception& error) {
      document = ParsedDocument{};
      document.file = file;
      document.line = chunk.first_line + 1;
      const int line = error.mark.line >= 0 ? error.mark.line + 1 + chunk.first_line : 0;
      // yaml-cpp quotes the offending byte ("unknown escape character: \xc0"): repair it,
      // since the message goes to status and the validate command.
      document.errors.push_back({file, line, "", "invalid YAML: " + core::to_valid_utf8(error.msg)});
    }
    document.index = result.documents.size();
    result.documents.push_back(std::move(document));
  }
  reject_duplicates(result.documents);
  return result;
}

ParsedDocument parse_custom_resource(const nlohmann::json& object) {
  auto label = core::text_at(object, "/metadata/namespace");
  label = core::to_valid_utf8(label + (label.empty() ? "" : "/") + core::text_at(object, "/metadata/name"));
  ParsedDocument document;
  try {
    // JSON is YAML: one reader, so a custom resource and a file obey the same rules.
    document = parse_document(YAML::Load(core::dump_json(object)), label, 0);
  } catch (const YAML::Exception& error) {
    document = ParsedDocument{};
    document.file = label;
    document.errors.push_back({label, 0, "", "unreadable object: " + core::to_valid_utf8(error.msg)});
  }
  document.custom_resource = true;
  document.line = 0;
  for (auto& error : document.errors) error.line = 0;
  return document;
}

ParseResult load_resources(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ParseResult result;
    ParsedDocument document;
    document.file = path;
    document.errors.push_back({path, 0, "", "cannot read the file"});
    result.documents.push_back(std::move(document));
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_resources(text.str(), path);
}

}  // namespace aci::model
