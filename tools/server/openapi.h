// SPDX-License-Identifier: Apache-2.0
// The server's HTTP API as an OpenAPI 3.0 document, served at GET /openapi.json so that clients
// can be generated and the API browsed (e.g. in Swagger UI) without reading the source.
#ifndef VOXFACE_TOOLS_SERVER_OPENAPI_H_
#define VOXFACE_TOOLS_SERVER_OPENAPI_H_

#include <string>

namespace voxface::server {

// The document, with this build's version filled in.
const std::string& OpenApiJson();

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_OPENAPI_H_
