#pragma once
// Spec text shared by the source tests: the smallest valid ContainerGroup, whose
// image tells one version of the spec from another.

#include <string>

namespace aci::source::test {

inline std::string group_spec(const std::string& name, const std::string& image = "nginx:1",
                              const std::string& namespace_ = "") {
  return "apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata:\n  name: " + name +
         (namespace_.empty() ? "" : "\n  namespace: " + namespace_) +
         "\nspec:\n  azure:\n    subscriptionId: 00000000-0000-0000-0000-000000000001\n"
         "    resourceGroup: rg\n    location: westeurope\n  containers:\n    - name: app\n      image: " +
         image + "\n      resources: {cpu: 1, memoryInGB: 1.5}\n";
}

}  // namespace aci::source::test
