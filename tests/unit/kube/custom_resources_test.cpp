#include "daemon/kube/custom_resources.hpp"

#include <gtest/gtest.h>

#include "daemon/kube/kube_client.hpp"
#include "daemon/kube/status_writer.hpp"
#include "daemon/model/resource_parser.hpp"

namespace aci::kube {
namespace {

using nlohmann::json;

TEST(CustomResourcesTest, KeysMapToObjectPaths) {
  const auto ref = parse_key("ContainerGroup/team-a/web");
  ASSERT_TRUE(ref);
  EXPECT_EQ(object_path(*ref), "/apis/acioperator.io/v1alpha1/namespaces/team-a/containergroups/web");
  EXPECT_EQ(collection_path("CredentialRotation", ""), "/apis/acioperator.io/v1alpha1/credentialrotations");
  // A file's key has no namespace, and other kinds are not ours.
  EXPECT_FALSE(parse_key("ContainerGroup/web"));
  EXPECT_FALSE(parse_key("Orphan/sub/rg/web"));
  EXPECT_FALSE(parse_key("Pod/team-a/web"));
  EXPECT_FALSE(parse_key("ContainerGroup//web"));
}

TEST(CustomResourcesTest, AStatusObjectBecomesAnErrorWithReasonAndABoundedValidMessage) {
  const auto error = error_from_status(
      409, json{{"kind", "Status"}, {"reason", "Conflict"}, {"message", "the object has been modified"}, {"code", 409}});
  EXPECT_TRUE(error.conflict());
  EXPECT_EQ(error.to_string(), "409 Conflict: the object has been modified");
  // A watch ERROR event carries the code only in the object.
  EXPECT_TRUE(error_from_status(0, json{{"reason", "Expired"}, {"code", 410}, {"message", "too old"}}).expired());
  // Whatever the server sends, the message is valid UTF-8 and bounded.
  const auto long_message = error_from_status(500, json{{"message", std::string(5000, 'x')}});
  EXPECT_LE(long_message.message.size(), 1024u);
  EXPECT_EQ(error_from_status(502, json("not a status")).message, "the API server answered 502");
}

TEST(CustomResourcesTest, TheSubresourceStatusDropsTheStoresBookkeeping) {
  const json status{{"kind", "ContainerGroup"}, {"name", "web"}, {"observedGeneration", 3}, {"state", "Running"}};
  EXPECT_EQ(subresource_status(status), (json{{"observedGeneration", 3}, {"state", "Running"}}));
}

TEST(CustomResourcesTest, ACustomResourceErrorNamesTheObjectAndTheField) {
  const auto object = json::parse(R"({
    "apiVersion": "acioperator.io/v1alpha1", "kind": "ContainerGroup",
    "metadata": {"name": "web", "namespace": "team-a", "uid": "u-1", "resourceVersion": "42", "generation": 2,
                 "creationTimestamp": "2026-12-04T10:00:00Z", "managedFields": [], "finalizers": ["acioperator.io/cleanup"]},
    "spec": {"azure": {"subscriptionId": "00000000-0000-0000-0000-000000000001", "resourceGroup": "rg",
                       "location": "westeurope"},
             "osType": "Linux",
             "containers": [{"name": "app", "resources": {"cpu": 1, "memoryInGB": 1.5}}]},
    "status": {"anything": "goes"}})");
  const auto document = model::parse_custom_resource(object);
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.summary(), "team-a/web: spec.containers[0].image: is required");

  auto valid = object;
  valid["spec"]["containers"][0]["image"] = "nginx:1.27";
  const auto parsed = model::parse_custom_resource(valid);
  ASSERT_TRUE(parsed.ok()) << parsed.summary();
  const auto& meta = model::metadata_of(*parsed.resource);
  EXPECT_EQ(meta.generation, 2);
  EXPECT_EQ(meta.namespace_, "team-a");
  EXPECT_FALSE(meta.deletion_timestamp);
}

}  // namespace
}  // namespace aci::kube
