import 'swagger-ui-dist/swagger-ui.css';
import SwaggerUIBundle from 'swagger-ui-dist/swagger-ui-bundle.js';
import specUrl from '../../docs/openapi.json?url';

/** /docs: the OpenAPI document this build of the service carries, rendered by Swagger UI. */
SwaggerUIBundle({ url: specUrl, dom_id: '#swagger-ui', deepLinking: true });
