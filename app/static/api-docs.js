// Starts Swagger UI on /schema. A file, not inline script: the page runs under the
// same Content-Security-Policy as every other. The schema is fetched from this app.
const container = document.getElementById("swagger-container");
window.ui = SwaggerUIBundle({
  url: container.dataset.specUrl,
  dom_id: "#swagger-container",
  deepLinking: true,
  displayOperationId: true,
  showExtensions: true,
  showCommonExtensions: true,
  // The public validator badge would call validator.swagger.io.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
});
