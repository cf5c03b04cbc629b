#include "daemon/app/validate_command.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "daemon/model/resource_parser.hpp"
#include "daemon/source/spec_store.hpp"
#include "daemon/source/spec_tree.hpp"

namespace aci::app {

namespace fs = std::filesystem;

namespace {

struct Declaration {
  std::string file;
  const model::ParsedDocument* document;
};

}  // namespace

int run_validate(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err) {
  std::vector<std::string> files;
  std::set<fs::path> seen;  // a file named twice (a directory and a file in it) is one file
  auto add = [&](const std::string& file) {
    std::error_code ec;
    if (seen.insert(fs::weakly_canonical(file, ec)).second) files.push_back(file);
  };
  std::size_t errors = 0;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      err << "aci-operator: " << path << ": no such file or directory\n";
      return 2;
    }
    if (!fs::is_directory(path, ec)) {
      add(path);  // named explicitly: checked whatever its name
      continue;
    }
    const auto tree = source::SpecTree::scan(path);
    for (const auto& place : tree.unreadable) {
      err << place << ": cannot read\n";
      ++errors;
    }
    if (tree.files.empty() && tree.unreadable.empty()) {
      err << path << ": no spec files (*.yaml, *.yml, *.json)\n";
      ++errors;
    }
    for (const auto& [file, stamp] : tree.files) add(file);
  }

  std::vector<model::ParseResult> results;
  results.reserve(files.size());
  std::map<std::string, std::vector<Declaration>> declarations;  // by object key
  for (const auto& file : files) {
    results.push_back(model::load_resources(file));
    for (const auto& document : results.back().documents) {
      if (!document.ok()) continue;
      const auto key = source::resource_key(document.kind, document.namespace_, document.name);
      declarations[key].push_back({file, &document});
    }
  }
  for (const auto& result : results) {
    for (const auto& message : result.error_messages()) {
      err << message << "\n";
      ++errors;
    }
  }
  std::size_t objects = 0;
  for (const auto& [key, declared] : declarations) {
    if (declared.size() == 1) {
      ++objects;
      continue;
    }
    std::set<std::string> where;
    for (const auto& declaration : declared) where.insert(declaration.file);
    const auto message = source::declared_more_than_once(key, where);
    for (const auto& declaration : declared) {
      const config::FieldError error{declaration.file, declaration.document->line, "metadata.name", message};
      err << declaration.document->describe(error) << "\n";
      ++errors;
    }
  }
  if (errors > 0) {
    err << "aci-operator: " << errors << (errors == 1 ? " error" : " errors") << " in " << files.size()
        << (files.size() == 1 ? " file" : " files") << "\n";
    return 1;
  }
  out << objects << (objects == 1 ? " object" : " objects") << " OK in " << files.size()
      << (files.size() == 1 ? " file" : " files") << "\n";
  return 0;
}

}  // namespace aci::app
