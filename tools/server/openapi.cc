// SPDX-License-Identifier: Apache-2.0
#include "openapi.h"

#include "voxface/voxface.h"

namespace voxface::server {
namespace {

// Kept beside routes.cc; openapi_test checks that every route is described and nothing else.
constexpr const char* kDocument = R"JSON({
  "openapi": "3.0.3",
  "info": {
    "title": "voxface",
    "version": "@VERSION@",
    "description": "Speech audio in, the 52 ARKit blendshape weights (plus visemes, phones and words) out. WebSocket streaming on /v1/stream is described in docs/protocol.md.",
    "license": {"name": "Apache-2.0"}
  },
  "components": {
    "securitySchemes": {
      "bearer": {"type": "http", "scheme": "bearer",
                 "description": "Needed only when the server runs with API keys (--api-keys or VOXFACE_API_KEYS)."}
    },
    "parameters": {
      "fps": {"name": "fps", "in": "query", "schema": {"type": "number", "default": 60}, "description": "Output frame rate."},
      "seed": {"name": "seed", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "Seed of blinks, gaze and idle motion (same seed, same output)."},
      "text": {"name": "text", "in": "query", "schema": {"type": "string"}, "description": "Transcript of the audio; phones are then aligned to it (more accurate)."},
      "emotion": {"name": "emotion", "in": "query", "schema": {"type": "string"}, "example": "joy:0.6", "description": "NAME:STRENGTH, comma-separated; replaces the server's default mix."}
    },
    "schemas": {
      "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
          "properties": {"code": {"type": "string", "example": "bad_audio"}, "message": {"type": "string"}}}}
      },
      "Track": {
        "type": "object", "required": ["fps", "duration", "num_frames", "names", "timestamps", "blendshapes"],
        "properties": {
          "fps": {"type": "number"},
          "duration": {"type": "number", "description": "Seconds of audio."},
          "num_frames": {"type": "integer"},
          "names": {"type": "array", "items": {"type": "string"}, "description": "The 52 ARKit blendshape names in Apple's order."},
          "timestamps": {"type": "array", "items": {"type": "number"}},
          "blendshapes": {"type": "array", "items": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}}, "description": "num_frames rows of 52 weights."},
          "visemes": {"type": "object", "properties": {"names": {"type": "array", "items": {"type": "string"}}, "frames": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}}},
          "phones": {"type": "array", "items": {"$ref": "#/components/schemas/Segment"}},
          "words": {"type": "array", "items": {"$ref": "#/components/schemas/Segment"}},
          "meta": {"type": "object"}
        }
      },
      "Segment": {"type": "object", "properties": {"start": {"type": "number"}, "end": {"type": "number"}}, "additionalProperties": {"type": "string"}},
      "ProcessAudioResult": {
        "type": "object", "required": ["blendshapes", "timestamps", "fps", "duration", "num_frames", "names"],
        "properties": {
          "blendshapes": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
          "timestamps": {"type": "array", "items": {"type": "number"}},
          "fps": {"type": "number"}, "duration": {"type": "number"}, "num_frames": {"type": "integer"},
          "names": {"type": "array", "items": {"type": "string"}}
        }
      }
    },
    "responses": {
      "BadRequest": {"description": "Bad audio, options or multipart body.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {"description": "Missing or wrong API key.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "TooLarge": {"description": "Body or audio duration over the server's limit.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "RateLimited": {"description": "Too many requests from this address; see Retry-After.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Busy": {"description": "All workers busy and the queue full; see Retry-After.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    }
  },
  "paths": {
    "/v1/animate": {
      "post": {
        "summary": "Animate an audio file",
        "description": "The body is the audio file itself (WAV, FLAC, Ogg/Opus, MP3; any rate) or a multipart form with a 'file' part and an optional 'text' part.",
        "security": [{}, {"bearer": []}],
        "parameters": [
          {"$ref": "#/components/parameters/fps"}, {"$ref": "#/components/parameters/seed"},
          {"$ref": "#/components/parameters/text"}, {"$ref": "#/components/parameters/emotion"},
          {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv", "tsv"], "default": "json"}}
        ],
        "requestBody": {"required": true, "content": {
          "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
          "audio/*": {"schema": {"type": "string", "format": "binary"}},
          "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}, "text": {"type": "string"}}}}
        }},
        "responses": {
          "200": {"description": "The track.", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Track"}},
            "text/csv": {"schema": {"type": "string"}, "description": "Live Link Face CSV."},
            "text/tab-separated-values": {"schema": {"type": "string"}, "description": "Rhubarb-style mouth cues."}}},
          "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"},
          "413": {"$ref": "#/components/responses/TooLarge"}, "429": {"$ref": "#/components/responses/RateLimited"},
          "503": {"$ref": "#/components/responses/Busy"}
        }
      }
    },
    "/process-audio": {
      "post": {
        "summary": "The original Audio2Face wrapper's endpoint",
        "description": "Multipart form with a 'file' part; answers the design note's JSON.",
        "security": [{}, {"bearer": []}],
        "parameters": [{"$ref": "#/components/parameters/fps"}, {"$ref": "#/components/parameters/seed"}, {"$ref": "#/components/parameters/text"}, {"$ref": "#/components/parameters/emotion"}],
        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}, "text": {"type": "string"}}}}}},
        "responses": {
          "200": {"description": "Frames x 52 weights.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProcessAudioResult"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"},
          "413": {"$ref": "#/components/responses/TooLarge"}, "429": {"$ref": "#/components/responses/RateLimited"},
          "503": {"$ref": "#/components/responses/Busy"}
        }
      }
    },
    "/v1/stream": {
      "get": {
        "summary": "Live streaming over WebSocket (docs/protocol.md)",
        "description": "Upgrade to a WebSocket; send a JSON start message, binary PCM chunks and {\"type\":\"end\"}; receive a header, frames and a final status. Browsers may pass the API key as ?access_token=KEY.",
        "security": [{}, {"bearer": []}],
        "parameters": [{"name": "access_token", "in": "query", "schema": {"type": "string"}, "description": "API key, for clients that cannot set headers."}],
        "responses": {"101": {"description": "Switching to the WebSocket protocol."}, "401": {"$ref": "#/components/responses/Unauthorized"},
                      "426": {"description": "A plain GET without the WebSocket upgrade."}, "429": {"$ref": "#/components/responses/RateLimited"}}
      }
    },
    "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "The process serves requests.", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    "/readyz": {"get": {"summary": "Readiness", "responses": {"200": {"description": "The default engine is loaded."}, "503": {"description": "Still loading."}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics", "security": [{}, {"bearer": []}],
                         "responses": {"200": {"description": "Prometheus text format.", "content": {"text/plain": {"schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Unauthorized"}}}},
    "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.0 JSON."}}}}
  }
}
)JSON";

}  // namespace

const std::string& OpenApiJson() {
  static const std::string doc = [] {
    std::string s = kDocument;
    const std::string placeholder = "@VERSION@";
    s.replace(s.find(placeholder), placeholder.size(), Version());
    return s;
  }();
  return doc;
}

}  // namespace voxface::server
